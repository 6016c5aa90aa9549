/**
 * `npm run cluster`: starts the local control plane (etcd, kube-apiserver, controller-manager,
 * scheduler, kwok nodes in three sites) and keeps it up until Ctrl-C, SIGTERM of the command
 * (npm's or tsx's PID) or the end of the command's processes. Prints the kubeconfig to use.
 */
import { LocalCluster } from '../devcluster/cluster.js';
import { DevClusterError } from '../devcluster/errors.js';
import { stopWithCommand } from '../devcluster/process.js';

async function main(): Promise<void> {
  const cluster = new LocalCluster({ log: (l) => console.error(l), keepDir: process.argv.includes('--keep') });
  // From the start: a signal during start-up stops what has started so far.
  stopWithCommand((why) => {
    console.error(`stopping (${why})...`);
    void cluster.stop().then(() => process.exit(0));
  });
  await cluster.start();
  const info = cluster.details;
  console.log(`kube-apiserver ${info.serverVersion} at ${info.server}`);
  console.log(`export KUBECONFIG=${info.kubeconfig}`);
  console.log(`timings (ms): ${JSON.stringify(info.timings)}`);
  if (process.argv.includes('--once')) {
    await cluster.stop();
    return;
  }
  setInterval(() => undefined, 1 << 30);
}

main().catch((err: unknown) => {
  if (err instanceof DevClusterError) console.error(`error: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
