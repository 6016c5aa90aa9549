import type { KubeClient } from '../runtime/kube-client.js';
import type { Logger } from '../runtime/logger.js';

interface Lease {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
}

/**
 * Without leader election nothing keeps a second operator from reconciling the same slices, so
 * the operator says so at start; and when the leader-election Lease it would have used is held
 * and renewed within its duration, another instance with leader election is probably running
 * right now, which it names. The Lease is only read, and reading it is best effort: a missing
 * Lease, no permission or no answer within `timeoutMs` leave the first warning alone.
 */
export async function warnWithoutLeaderElection(
  client: Pick<KubeClient, 'request'>,
  lease: { namespace: string; name: string },
  log: Logger,
  o: { now?: () => number; timeoutMs?: number } = {},
): Promise<void> {
  log.warn(
    'leader election is off: run one replica only; replicas without leader election fight over the same slices (both scale, place and write status)',
    {
      lease: `${lease.namespace}/${lease.name}`,
    },
  );
  let held: Lease;
  try {
    held = await client.request<Lease>('GET', `/apis/coordination.k8s.io/v1/namespaces/${lease.namespace}/leases/${lease.name}`, {
      timeoutMs: o.timeoutMs ?? 5000,
    });
  } catch (e) {
    log.debug('leader-election Lease not read', { lease: `${lease.namespace}/${lease.name}`, error: String(e) });
    return;
  }
  const holder = held.spec?.holderIdentity;
  const renewed = Date.parse(held.spec?.renewTime ?? '');
  if (!holder || !Number.isFinite(renewed)) return;
  const expiresMs = renewed + (held.spec?.leaseDurationSeconds ?? 15) * 1000;
  if (expiresMs >= (o.now ?? Date.now)()) {
    log.warn('another operator holds the leader-election Lease and is probably running: both will reconcile the same slices', {
      lease: `${lease.namespace}/${lease.name}`,
      holder,
      renewTime: held.spec?.renewTime,
    });
  }
}
