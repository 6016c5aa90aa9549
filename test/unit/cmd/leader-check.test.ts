/**
 * warnWithoutLeaderElection (src/cmd/leader-check.ts): the operator started with
 * --leader-elect=false always warns that replicas without leader election fight over the same
 * slices, and names the holder when the Lease it would have used is held and fresh. The Lease API
 * is a function answering as the API server would.
 */
import { describe, expect, it } from '@jest/globals';
import { warnWithoutLeaderElection } from '../../../src/cmd/leader-check.js';
import { ApiError } from '../../../src/runtime/errors.js';
import { createLogger } from '../../../src/runtime/logger.js';

const LEASE = { namespace: 'slice-operator-system', name: 'slice-operator' };
const PATH = '/apis/coordination.k8s.io/v1/namespaces/slice-operator-system/leases/slice-operator';
const NOW = Date.parse('2026-01-10T12:00:00Z');

function captured(): { lines: { level: string; msg: string; [k: string]: unknown }[]; log: ReturnType<typeof createLogger> } {
  const lines: { level: string; msg: string }[] = [];
  return { lines, log: createLogger({}, { level: 'debug', write: (l) => lines.push(JSON.parse(l) as { level: string; msg: string }) }) };
}

/** A client whose GET of the Lease answers `answer` (or throws it). */
const client = (answer: unknown | Error) => ({
  paths: [] as string[],
  async request<T>(method: string, path: string): Promise<T> {
    this.paths.push(`${method} ${path}`);
    if (answer instanceof Error) throw answer;
    return answer as T;
  },
});

const lease = (renewTime: string, holderIdentity = 'operator-7d9f_0b3c', leaseDurationSeconds = 15) => ({
  spec: { holderIdentity, renewTime, leaseDurationSeconds },
});

describe('warnWithoutLeaderElection', () => {
  it('warns that replicas without leader election fight over the same slices', async () => {
    const { lines, log } = captured();
    const c = client(new ApiError(404, 'NotFound', 'leases.coordination.k8s.io "slice-operator" not found', 'GET', PATH));
    await warnWithoutLeaderElection(c, LEASE, log, { now: () => NOW });
    const warns = lines.filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]!.msg).toMatch(/leader election is off.*one replica.*fight over the same slices/);
    expect(warns[0]!.lease).toBe('slice-operator-system/slice-operator');
    expect(c.paths).toEqual([`GET ${PATH}`]);
  });

  it('names the holder of a fresh Lease: another operator is probably running', async () => {
    const { lines, log } = captured();
    await warnWithoutLeaderElection(client(lease('2026-01-10T11:59:55.000000Z')), LEASE, log, { now: () => NOW });
    const warns = lines.filter((l) => l.level === 'warn');
    expect(warns).toHaveLength(2);
    expect(warns[1]).toMatchObject({
      msg: expect.stringMatching(/another operator holds the leader-election Lease/),
      holder: 'operator-7d9f_0b3c',
      lease: 'slice-operator-system/slice-operator',
    });
  });

  it('says nothing more of an expired or released Lease, or of one it cannot read', async () => {
    for (const answer of [
      lease('2026-01-10T11:59:00.000000Z'), // renewed 60 s ago, for 15 s
      lease('2026-01-10T11:59:59.000000Z', ''), // released on a graceful stop
      { spec: {} },
      new ApiError(403, 'Forbidden', 'cannot get leases', 'GET', PATH),
      new ApiError(0, 'Timeout', 'no answer within 5000 ms', 'GET', PATH),
    ]) {
      const { lines, log } = captured();
      await warnWithoutLeaderElection(client(answer), LEASE, log, { now: () => NOW });
      expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([expect.stringMatching(/^leader election is off/)]);
    }
  });
});
