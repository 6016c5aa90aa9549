/**
 * A rollout judged from the pods, on the real control plane (kube-scheduler, Deployment
 * controller, kwok nodes): a UPF with required anti-affinity on a site with no spare node cannot
 * surge, so a template change leaves its new pod Pending beside the old ones. The slice says
 * why (the scheduler's message), makes room (maxSurge 0) instead of waiting forever, and reports
 * where its UPF pods actually run. A CNF whose new image crash-loops goes back to the last image
 * its pods ran ready on; a site whose UPF pods go unready loses the UPF to another site.
 */
import { Manager } from '../../src/controller/manager.js';
import { toSliceView } from '../../src/controller/view-from-api.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { conditionOf, crashLoopStatus, createNamespace, eventually, getSlice, healthyImage, installCrd, kubeConfig, kubectl, sliceWithReason } from './support.js';

type SliceStatus = { status?: { placement?: { upfSites: string[]; runningSites?: { site: string; pods: number }[] } } };

describe('rollout truth (real control plane)', () => {
  let manager: Manager;
  let ns: string;

  beforeAll(async () => {
    await installCrd();
    ns = await createNamespace('rollout');
    manager = new Manager({ kubeConfig: kubeConfig(), log: silentLogger, parse: toSliceView, leaderElect: false, leaseNamespace: 'default', stepSeconds: 3600, resyncMs: 5_000 });
    await manager.start();
  });

  afterAll(async () => {
    await manager?.stop();
    await kubectl(['delete', 'namespace', ns, '--timeout=30s']);
  });

  const slice = {
    apiVersion: 'slicing.telco.dev/v1alpha1',
    kind: 'NetworkSlice',
    metadata: { name: 'tight' },
    spec: {
      snssai: { sst: 1, sd: '0000e1' },
      plmn: { mcc: '001', mnc: '01' },
      serviceType: 'eMBB',
      cnfs: [{ name: 'upf', type: 'upf', image: 'upf:1', capacity: { sessions: 10 }, minReplicas: 2, maxReplicas: 2, resources: { requests: { cpu: '100m' } } }],
      scaling: { mode: 'static' },
      // edge-a has two nodes: two UPF replicas, one per node, leave no node to surge onto.
      placement: { sites: ['edge-a'], maxSites: 1, antiAffinity: 'required' },
    },
  };
  const apply = async (m: typeof slice): Promise<void> => {
    expect((await kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify(m))).stderr).toBe('');
  };
  /** The slice above under another name and S-NSSAI, placed as `placement` says. */
  const variant = (name: string, sd: string, placement: Record<string, unknown>): typeof slice => {
    const v = structuredClone(slice);
    v.metadata.name = name;
    v.spec.snssai.sd = sd;
    v.spec.placement = placement as typeof slice.spec.placement;
    return v;
  };
  const deployment = async () => JSON.parse((await kubectl(['get', '-n', ns, 'deploy', 'tight-upf', '-o', 'json'])).stdout) as {
    spec: { strategy?: { rollingUpdate?: { maxSurge?: number | string } } };
    status: { updatedReplicas?: number; replicas?: number; availableReplicas?: number };
  };

  test('a blocked rollout says why, makes room, completes, and reports the sites its pods run on', async () => {
    await apply(slice);
    await eventually('tight Ready', async () => conditionOf(await getSlice(ns, 'tight'), 'Ready')?.status === 'True', 60_000, 250);
    const placed = (await getSlice(ns, 'tight')) as SliceStatus;
    expect(placed.status?.placement?.runningSites).toEqual([{ site: 'edge-a', pods: 2 }]);

    // A new template: its first pod has no node to go to while the old pods hold both.
    const edited = structuredClone(slice);
    edited.spec.cnfs[0]!.image = 'upf:2';
    await apply(edited);
    const pending = await eventually('Progressing names the Pending pod', async () => {
      const c = conditionOf(await getSlice(ns, 'tight'), 'Progressing');
      return c?.status === 'True' && c.message.includes('Pending: 0/') ? c : undefined;
    }, 30_000, 250);
    expect(pending.message).toMatch(/anti-affinity/);
    expect(conditionOf(await getSlice(ns, 'tight'), 'Ready')?.status).toBe('False');

    // After 30 s of that, the rollout makes room and completes.
    await eventually('RolloutMakingRoom event', async () => {
      const ev = JSON.parse((await kubectl(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=tight,reason=RolloutMakingRoom', '-o', 'json'])).stdout) as { items: { message: string }[] };
      return ev.items[0]?.message.includes('maxSurge 0') ? true : undefined;
    }, 60_000, 500);
    await eventually('rolled out', async () => {
      const d = await deployment();
      return d.status.updatedReplicas === 2 && d.status.replicas === 2 && d.status.availableReplicas === 2;
    }, 90_000, 500);
    await eventually('tight Ready again', async () => conditionOf(await getSlice(ns, 'tight'), 'Ready')?.status === 'True', 30_000, 250);
    const images = (await kubectl(['get', '-n', ns, 'pods', '-l', 'slicing.telco.dev/slice=tight', '-o', 'jsonpath={.items[*].spec.containers[0].image}'])).stdout.split(' ');
    expect(images).toEqual(['upf:2', 'upf:2']);
    expect(((await getSlice(ns, 'tight')) as SliceStatus).status?.placement?.runningSites).toEqual([{ site: 'edge-a', pods: 2 }]);
    // Done: the Deployment surges again on the next rollout.
    await eventually('default strategy restored', async () => (await deployment()).spec.strategy?.rollingUpdate?.maxSurge !== 0, 30_000, 500);
  });

  test('a crash loop right after an image change is rolled back to the last healthy image', async () => {
    const crashy = variant('crashy', '0000e2', { sites: ['edge-a', 'edge-b'], maxSites: 2, antiAffinity: 'none' });
    await apply(crashy);
    // An image is healthy once its pods have all been ready for a minute.
    await healthyImage(ns, 'crashy', 'upf:1');

    crashy.spec.cnfs[0]!.image = 'upf:bad';
    await apply(crashy);
    // What a kubelet reports of a container that exits at start: the test plays the kubelet.
    const crashLoop = crashLoopStatus('upf:bad');
    let injectedAt: number | undefined;
    const deployImage = async () => (await kubectl(['get', '-n', ns, 'deploy', 'crashy-upf', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout;
    await eventually('rolled back to upf:1', async () => {
      const pods = JSON.parse((await kubectl(['get', '-n', ns, 'pods', '-l', 'slicing.telco.dev/slice=crashy', '-o', 'json'])).stdout) as { items: { metadata: { name: string }; spec: { containers: { image: string }[] } }[] };
      for (const p of pods.items.filter((x) => x.spec.containers[0]!.image === 'upf:bad')) {
        if ((await kubectl(['patch', '-n', ns, 'pod', p.metadata.name, '--subresource=status', '--type=merge', '-p', crashLoop])).code === 0) injectedAt ??= Date.now();
      }
      return injectedAt !== undefined && (await deployImage()) === 'upf:1';
    }, 60_000, 300);
    process.stderr.write(`[rollout] crash loop injected -> Deployment back on upf:1 in ${((Date.now() - injectedAt!) / 1000).toFixed(1)} s\n`);
    const s = await sliceWithReason(ns, 'crashy', 'Degraded', 'RolledBack', 30_000);
    expect(conditionOf(s, 'Degraded')!.message).toBe('upf: image upf:bad failed (CrashLoopBackOff: back-off 40s restarting failed container=upf); rolled back to upf:1, the last image all its pods ran ready on, until spec.cnfs changes');
    const events = JSON.parse((await kubectl(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=crashy,reason=RolledBack', '-o', 'json'])).stdout) as { items: unknown[] };
    expect(events.items.length).toBe(1);
    // The old image rolls out again, and stays while the spec is unchanged.
    await eventually('only upf:1 pods', async () => (await kubectl(['get', '-n', ns, 'pods', '-l', 'slicing.telco.dev/slice=crashy', '-o', 'jsonpath={.items[*].spec.containers[0].image}'])).stdout === 'upf:1 upf:1', 60_000, 500);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await deployImage()).toBe('upf:1');
    // Fixing the spec ends the rollback.
    crashy.spec.cnfs[0]!.image = 'upf:1';
    await apply(crashy);
    await eventually('crashy Ready again', async () => conditionOf(await getSlice(ns, 'crashy'), 'Ready')?.status === 'True', 60_000, 250);
  });

  test('a site whose UPF pods go unready loses the UPF to another qualifying site', async () => {
    await apply(variant('sick-site', '0000e3', { sites: ['edge-a', 'edge-b'], maxSites: 1, antiAffinity: 'none' }));
    type Placed = { status?: { placement?: { upfSites: string[]; skipped?: { site: string; reason: string }[] } } };
    const placement = async () => ((await getSlice(ns, 'sick-site')) as unknown as Placed).status?.placement;
    await eventually('sick-site Ready', async () => conditionOf(await getSlice(ns, 'sick-site'), 'Ready')?.status === 'True', 60_000, 250);
    const [first] = (await placement())!.upfSites;
    expect(first).toBeDefined();
    const other = first === 'edge-a' ? 'edge-b' : 'edge-a';
    // What a kubelet on a failing site reports: the containers run, the pods stopped being ready,
    // here stamped 90 s ago so the test need not wait out the minute of grace.
    const since = new Date(Date.now() - 90_000).toISOString();
    const unready = JSON.stringify({
      status: {
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Initialized', status: 'True' },
          { type: 'ContainersReady', status: 'False', lastTransitionTime: since },
          { type: 'Ready', status: 'False', lastTransitionTime: since },
        ],
      },
    });
    const pods = JSON.parse((await kubectl(['get', '-n', ns, 'pods', '-l', 'slicing.telco.dev/slice=sick-site', '-o', 'json'])).stdout) as { items: { metadata: { name: string } }[] };
    const injectedAt = Date.now();
    for (const p of pods.items) expect((await kubectl(['patch', '-n', ns, 'pod', p.metadata.name, '--subresource=status', '--type=merge', '-p', unready])).code).toBe(0);
    const moved = await eventually(`UPF moved to ${other}`, async () => {
      const pl = await placement();
      return pl?.upfSites.join() === other ? pl : undefined;
    }, 60_000, 250);
    process.stderr.write(`[rollout] unready pods on ${first} -> UPF placed on ${other} in ${((Date.now() - injectedAt) / 1000).toFixed(1)} s\n`);
    expect(moved.skipped?.find((x) => x.site === first)?.reason).toMatch(/^UPF pods there were unhealthy; avoided until /);
    expect(conditionOf(await getSlice(ns, 'sick-site'), 'Anomalous')?.reason).toBe('SiteUnhealthy');
    const events = JSON.parse((await kubectl(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=sick-site,reason=SiteUnhealthy', '-o', 'json'])).stdout) as { items: { message: string }[] };
    // One or both pods, depending on whether a reconcile ran between the two patches.
    expect(events.items[0]?.message).toMatch(new RegExp(`^[12] of 2 UPF pods on ${first} unready for over a minute while the UPF's pods elsewhere are ready; moving the UPF off ${first} for 10 minutes$`));
    await eventually(`UPF pods running on ${other}`, async () => {
      const nodes = (await kubectl(['get', '-n', ns, 'pods', '-l', 'slicing.telco.dev/slice=sick-site', '-o', 'jsonpath={.items[*].spec.nodeName}'])).stdout.split(' ').filter(Boolean);
      return nodes.length === 2 && nodes.every((n) => n.startsWith(other));
    }, 60_000, 500);
  });
});
