import { EventRecorder, type EventTarget } from '../../../src/controller/events.js';
import type { Logger } from '../../../src/runtime/logger.js';

/**
 * The recorder against a client that records each request and answers when the test says so,
 * so the order of requests and what happens while one is in flight can be checked.
 */
class ScriptedClient {
  readonly calls: { verb: string; path: string; body: Record<string, unknown> }[] = [];
  private readonly waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  auto = true;
  failNext = 0;

  private call(verb: string, path: string, body: Record<string, unknown>): Promise<never> {
    this.calls.push({ verb, path, body });
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('503 the server is busy'));
    }
    if (this.auto) return Promise.resolve(undefined as never);
    return new Promise((resolve, reject) => this.waiting.push({ resolve: () => resolve(undefined as never), reject }));
  }

  request(verb: string, path: string, o?: { body?: unknown }): Promise<never> {
    return this.call(verb, path, o?.body as Record<string, unknown>);
  }

  mergePatch(path: string, body: unknown): Promise<never> {
    return this.call('PATCH', path, body as Record<string, unknown>);
  }

  answerAll(): void {
    for (const w of this.waiting.splice(0)) w.resolve();
  }

  get inFlight(): number {
    return this.waiting.length;
  }
}

const log: Logger = { info: () => undefined, error: () => undefined, debug: () => undefined, warn: () => undefined, child: () => log } as unknown as Logger;
const slice = (name = 's1', uid = 'u1'): EventTarget => ({ apiVersion: 'slicing.telco.dev/v1alpha1', kind: 'NetworkSlice', name, namespace: 'ns', uid });
const tick = () => new Promise((r) => setImmediate(r));

describe('EventRecorder', () => {
  it('returns before the event is sent, and flush() waits for it', async () => {
    const client = new ScriptedClient();
    client.auto = false;
    const rec = new EventRecorder(client, 'slice-operator', log);
    rec.record(slice(), 'Normal', 'UPFPlaced', 'placed on edge-a');
    expect(rec.pending).toBe(1);
    let flushed = false;
    const f = rec.flush().then(() => (flushed = true));
    await tick();
    expect(flushed).toBe(false);
    client.answerAll();
    await f;
    expect(client.calls).toHaveLength(1);
    expect(client.calls[0]).toMatchObject({ verb: 'POST', path: '/api/v1/namespaces/ns/events', body: { reason: 'UPFPlaced', count: 1, involvedObject: { name: 's1', uid: 'u1' }, source: { component: 'slice-operator' } } });
  });

  it('counts repeats on the first Event, and only patches it once that Event exists', async () => {
    const client = new ScriptedClient();
    client.auto = false;
    let now = 1_000_000;
    const rec = new EventRecorder(client, 'slice-operator', log, () => now);
    rec.record(slice(), 'Normal', 'ScaledUp', 'upf: 1 -> 2');
    for (let i = 0; i < 3; i++) {
      now += 1000;
      rec.record(slice(), 'Normal', 'ScaledUp', 'upf: 1 -> 2');
    }
    await tick();
    // The POST is in flight; the count update waits for it instead of patching a missing Event.
    expect(client.calls.map((c) => c.verb)).toEqual(['POST']);
    client.answerAll();
    await tick();
    client.answerAll();
    await rec.flush();
    expect(client.calls.map((c) => c.verb)).toEqual(['POST', 'PATCH']);
    const name = (client.calls[0]!.body.metadata as { name: string }).name;
    expect(client.calls[1]).toMatchObject({ path: `/api/v1/namespaces/ns/events/${name}`, body: { count: 4 } });
  });

  it('posts a new Event for another object, another uid (a re-created slice) or after the 10-minute window', async () => {
    const client = new ScriptedClient();
    let now = 0;
    const rec = new EventRecorder(client, 'c', log, () => now);
    rec.record(slice('a', 'u1'), 'Normal', 'R', 'm');
    rec.record(slice('b', 'u2'), 'Normal', 'R', 'm');
    rec.record(slice('a', 'u3'), 'Normal', 'R', 'm');
    await rec.flush();
    now = 11 * 60_000;
    rec.record(slice('a', 'u1'), 'Normal', 'R', 'm');
    await rec.flush();
    expect(client.calls.map((c) => c.verb)).toEqual(['POST', 'POST', 'POST', 'POST']);
  });

  it('after a failed POST the next occurrence posts again instead of patching an Event that does not exist', async () => {
    const client = new ScriptedClient();
    client.failNext = 1;
    const rec = new EventRecorder(client, 'c', log);
    rec.record(slice(), 'Warning', 'InvalidSpec', 'spec.cnfs: required');
    await rec.flush();
    rec.record(slice(), 'Warning', 'InvalidSpec', 'spec.cnfs: required');
    await rec.flush();
    expect(client.calls.map((c) => c.verb)).toEqual(['POST', 'POST']);
  });

  it('drops and counts events beyond 1,000 waiting, and never blocks the caller', async () => {
    const client = new ScriptedClient();
    client.auto = false;
    const rec = new EventRecorder(client, 'c', log);
    let dropped = 0;
    rec.onDropped = () => dropped++;
    for (let i = 0; i < 1010; i++) rec.record(slice(`s${i}`), 'Normal', 'UPFPlaced', 'placed');
    // A few in flight, 1,000 waiting, the rest dropped.
    expect(client.inFlight).toBe(4);
    expect(rec.pending).toBe(1004);
    expect(dropped).toBe(6);
    expect(rec.dropped).toBe(6);
    for (let i = 0; i < 300 && rec.pending; i++) {
      client.answerAll();
      await tick();
    }
    await rec.flush();
    expect(client.calls).toHaveLength(1004);
  });
});
