import type { KubeClient } from '../runtime/kube-client.js';
import type { Logger } from '../runtime/logger.js';

export interface EventTarget {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid?: string;
}

/**
 * Records core/v1 Events on a slice ("why did it scale?"). Identical events within a short
 * window are counted, not re-posted, like client-go's correlator; failures are logged, never fatal.
 */
export class EventRecorder {
  private readonly recent = new Map<string, { name: string; count: number; at: number }>();

  constructor(
    private readonly client: KubeClient,
    private readonly component: string,
    private readonly log: Logger,
  ) {}

  async record(target: EventTarget, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const key = `${target.namespace}/${target.name}/${type}/${reason}/${message}`;
    const now = new Date();
    const seen = this.recent.get(key);
    try {
      if (seen && now.getTime() - seen.at < 10 * 60_000) {
        seen.count++;
        seen.at = now.getTime();
        await this.client.mergePatch(`/api/v1/namespaces/${target.namespace}/events/${seen.name}`, { count: seen.count, lastTimestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z') });
        return;
      }
      const name = `${target.name}.${now.getTime().toString(16)}${Math.random().toString(16).slice(2, 6)}`;
      const ts = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
      await this.client.request('POST', `/api/v1/namespaces/${target.namespace}/events`, {
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace: target.namespace },
          involvedObject: { apiVersion: target.apiVersion, kind: target.kind, name: target.name, namespace: target.namespace, uid: target.uid },
          type,
          reason,
          message: message.slice(0, 1024),
          source: { component: this.component },
          firstTimestamp: ts,
          lastTimestamp: ts,
          count: 1,
        },
      });
      this.recent.set(key, { name, count: 1, at: now.getTime() });
      if (this.recent.size > 5000) this.recent.delete(this.recent.keys().next().value as string);
    } catch (e) {
      this.log.info('event not recorded', { reason, error: String(e) });
    }
  }
}
