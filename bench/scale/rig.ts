/** The bench's cluster: the local control plane (etcd, kube-apiserver, KCM, scheduler, kwok nodes) with the NetworkSlice CRD. */
import * as k8s from '@kubernetes/client-node';
import { FIELD_MANAGER, KubeClient } from '../../src/index.js';
import { LocalCluster } from '../../tools/devcluster/cluster.js';
import { installNetworkSliceCrd } from '../../tools/devcluster/install-crd.js';

export interface Rig {
  cluster: LocalCluster;
  /** The bench's own client (user agent 'bench'). */
  client: KubeClient;
}

/** Starts the cluster, runs `fn` on it and stops it, whatever `fn` did. */
export async function withRig<T>(fn: (rig: Rig) => Promise<T>): Promise<T> {
  const cluster = new LocalCluster({ log: () => undefined });
  try {
    await cluster.start();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.details.kubeconfig);
    const client = new KubeClient(kc, 'bench');
    await installNetworkSliceCrd(client, FIELD_MANAGER);
    return await fn({ cluster, client });
  } finally {
    await cluster.stop();
  }
}
