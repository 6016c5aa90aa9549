/**
 * The operator's entry point (the container runs `node dist/cmd/operator.js`).
 * Flags: see options.ts (`--help` prints them). In a pod it uses the in-cluster config; elsewhere
 * --kubeconfig or $KUBECONFIG.
 */
import { Manager } from '../controller/manager.js';
import { toSliceView } from '../controller/view-from-api.js';
import { createForecasting } from '../forecast/wiring.js';
import { loadKubeConnection } from '../runtime/kube-config.js';
import { createLogger } from '../runtime/logger.js';
import { ServingCert } from '../runtime/serving-cert.js';
import { warnWithoutLeaderElection } from './leader-check.js';
import { helpText, parseFlags, wantsHelp } from './options.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(helpText());
    return;
  }
  let flags;
  try {
    flags = parseFlags(argv);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exit(2);
  }
  const log = createLogger({ logger: 'slice-operator' }, { level: flags['log-level'] });
  let kc;
  try {
    kc = await loadKubeConnection(flags.kubeconfig);
  } catch (e) {
    log.error('cannot load the cluster configuration', { error: (e as Error).message });
    process.exit(2);
  }

  // Secure metrics: the certificate of --metrics-cert-dir (refused at start when unusable), else
  // a self-signed one, as controller-runtime does.
  let cert: ServingCert | undefined;
  if (flags['metrics-secure']) {
    try {
      cert = flags['metrics-cert-dir'] ? await ServingCert.fromDir(flags['metrics-cert-dir']) : ServingCert.selfSigned();
    } catch (e) {
      log.error('cannot load the metrics serving certificate', { error: (e as Error).message });
      process.exit(2);
    }
  }

  const { forecaster, calibrator, status } = await createForecasting({ modelPath: flags['model-path'], log });
  log.info('forecaster loaded', status);
  const manager = new Manager({
    kubeConfig: kc,
    log,
    parse: toSliceView,
    leaderElect: flags['leader-elect'],
    leaseNamespace: flags['lease-namespace'],
    leaseName: flags['lease-name'],
    namespaces: flags['watch-namespaces'],
    metricsBind: flags['metrics-bind-address'],
    metricsSecure: cert ? { cert } : undefined,
    healthProbeBind: flags['health-probe-bind-address'],
    prometheusUrl: flags['prometheus-url'],
    prometheusTimeoutMs: flags['prometheus-timeout-seconds'] * 1000,
    forecaster,
    calibrator,
    stepSeconds: flags['step-seconds'],
    cycleMs: flags['cycle-seconds'] ? flags['cycle-seconds'] * 1000 : undefined,
    clock: flags['replay-clock'],
    maxConcurrentReconciles: flags['max-concurrent-reconciles'],
    maxConcurrentReplacements: flags['max-concurrent-replacements'],
  });
  if (!flags['leader-elect']) void warnWithoutLeaderElection(manager.client, { namespace: flags['lease-namespace'], name: flags['lease-name'] }, log);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    void manager.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (e) => log.error('unhandled rejection (contained)', { error: String(e) }));
  await manager.start();
  log.info('started', { metricsPort: manager.metricsPort, metrics: manager.metricsServer.scheme, metricsCertificate: cert?.source, healthProbePort: manager.healthProbePort, leaderElection: flags['leader-elect'], identity: manager.elector?.identity });
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
