/**
 * Starts ONE real control plane for the whole e2e run and hands its kubeconfig to the test
 * workers through the environment. A missing toolchain or a failed build fails the run with the
 * message from resolveBinaries(): e2e tests are never skipped silently.
 * (Plain JS: jest does not transform globalSetup, so the TypeScript sources load through tsx.)
 */
import { register } from 'tsx/esm/api';

export default async function globalSetup() {
  const unregister = register();
  const { startCluster } = await import('../../tools/devcluster/cluster.ts');
  unregister();
  const cluster = await startCluster({ log: (l) => process.stderr.write(`${l}\n`) });
  const info = cluster.details;
  globalThis.__SLICE_E2E_CLUSTER__ = cluster;
  process.env.SLICE_E2E_KUBECONFIG = info.kubeconfig;
  process.env.SLICE_E2E_BIN_DIR = info.bins.kubectl.replace(/\/kubectl$/, '');
  process.env.SLICE_E2E_SERVER_VERSION = info.serverVersion;
  process.env.SLICE_E2E_CLUSTER_DIR = info.dir;
  process.env.SLICE_E2E_ETCD = info.etcdUrl;
  process.stderr.write(`\n[e2e] real kube-apiserver ${info.serverVersion} at ${info.server} (cluster start ${info.timings.total} ms)\n`);
}
