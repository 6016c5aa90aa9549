import { resourceOf } from '../../../src/runtime/kube-client.js';

describe('resourceOf', () => {
  it.each([
    ['/api/v1/namespaces/ns/events', 'events'],
    ['/api/v1/nodes/n1', 'nodes'],
    ['/apis/apps/v1/namespaces/ns/deployments/d?fieldManager=x', 'deployments'],
    ['/apis/slicing.telco.dev/v1alpha1/namespaces/ns/networkslices/s/status', 'networkslices/status'],
    ['/apis/scheduling.k8s.io/v1/priorityclasses/slice-embb', 'priorityclasses'],
    ['/api/v1/namespaces/ns', 'namespaces'],
    ['/apis/coordination.k8s.io/v1/namespaces/ns/leases', 'leases'],
  ])('%s -> %s', (p, r) => expect(resourceOf(p)).toBe(r));
});
