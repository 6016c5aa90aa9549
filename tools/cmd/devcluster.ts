/**
 * `npm run cluster`: starts the local control plane (etcd, kube-apiserver, controller-manager,
 * scheduler, kwok nodes in three sites) and keeps it up until Ctrl-C. Prints the kubeconfig to use.
 */
import { startCluster } from '../devcluster/cluster.js';
import { DevClusterError } from '../devcluster/errors.js';

async function main(): Promise<void> {
  const cluster = await startCluster({ log: (l) => console.error(l), keepDir: process.argv.includes('--keep') });
  const info = cluster.details;
  console.log(`kube-apiserver ${info.serverVersion} at ${info.server}`);
  console.log(`export KUBECONFIG=${info.kubeconfig}`);
  console.log(`timings (ms): ${JSON.stringify(info.timings)}`);
  if (process.argv.includes('--once')) {
    await cluster.stop();
    return;
  }
  const stop = (): void => {
    console.error('stopping...');
    void cluster.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => undefined, 1 << 30);
}

main().catch((err: unknown) => {
  if (err instanceof DevClusterError) console.error(`error: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
