/**
 * Informer against a real HTTP server on loopback that speaks the list/watch wire format
 * (test/unit/runtime/fake-apiserver.ts), through the real KubeClient: what reaches the handlers
 * and the cache is checked, not which calls were made.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Informer, objectKey, stripManagedFields, type InformerEvent, type InformerOptions, type KubeObject } from '../../../src/runtime/informer.js';
import { ValueTable } from '../../../src/runtime/intern.js';
import { KubeClient } from '../../../src/runtime/kube-client.js';
import { createLogger, type Logger } from '../../../src/runtime/logger.js';
import { COLLECTION, FakeApiServer, NAMESPACE, type ConfigMap } from './fake-apiserver.js';

/** Polls until `cond` holds; fails with `what` after `ms` (a bound on a hang, not a performance figure). */
async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets the event loop run for a while (to show that something does NOT happen). */
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Seen {
  ev: InformerEvent;
  key: string;
  rv: string | undefined;
  old: string | undefined;
}

const key = (name: string): string => `${NAMESPACE}/${name}`;

describe('Informer', () => {
  let api: FakeApiServer;
  let client: KubeClient;
  let informers: Informer<ConfigMap>[];
  let lines: Record<string, unknown>[];
  let log: Logger;

  /** An informer on the fake's collection; `seen` gets one entry per handler call. */
  const informer = (o: Partial<InformerOptions> = {}): { inf: Informer<ConfigMap>; seen: Seen[] } => {
    const inf = new Informer<ConfigMap>(client, { path: COLLECTION, backoffBaseMs: 20, backoffMaxMs: 200, ...o }, log);
    informers.push(inf);
    const seen: Seen[] = [];
    inf.on((ev, obj, old) => seen.push({ ev, key: objectKey(obj), rv: obj.metadata.resourceVersion, old: old?.metadata.resourceVersion }));
    return { inf, seen };
  };
  const events = (seen: Seen[], ...kinds: InformerEvent[]): string[] => seen.filter((s) => kinds.length === 0 || kinds.includes(s.ev)).map((s) => `${s.ev} ${s.key}`);
  const rvOf = (inf: Informer<ConfigMap>, name: string): string | undefined => inf.get(key(name))?.metadata.resourceVersion;

  beforeEach(async () => {
    api = await FakeApiServer.start();
    client = new KubeClient(api.connection, 'informer-test');
    informers = [];
    lines = [];
    log = createLogger({}, { level: 'debug', write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  });

  afterEach(async () => {
    for (const inf of informers) await inf.stop();
    await api.close();
  });

  describe('list', () => {
    it('fills the cache from the list, announces each object as added, then watches from the list resourceVersion', async () => {
      const a = api.upsert('a', { data: { k: 'v' } });
      api.upsert('b');
      const { inf, seen } = informer();
      expect(inf.hasSynced).toBe(false);
      inf.start();
      await inf.waitForSync(10_000);
      expect(inf.hasSynced).toBe(true);
      expect(events(seen)).toEqual(['add ns/a', 'add ns/b']);
      // List items come without apiVersion/kind; the cache has them back, from the list's kind.
      expect(inf.get(key('a'))).toEqual(a);
      expect(inf.list().map(objectKey).sort()).toEqual([key('a'), key('b')]);
      await until('a watch', () => api.watches.length === 1);
      const w = api.watches[0]!;
      expect(w.get('resourceVersion')).toBe(api.resourceVersion);
      expect(w.get('allowWatchBookmarks')).toBe('true');
      // The default 300 s server-side timeout, jittered by +-10 % to spread renewals.
      expect(Number(w.get('timeoutSeconds'))).toBeGreaterThanOrEqual(270);
      expect(Number(w.get('timeoutSeconds'))).toBeLessThanOrEqual(330);
      expect(inf.stats).toMatchObject({ lists: 1, listPages: 1, watches: 1, watchErrors: 0, gone: 0 });
    });

    it('lists in pages of pageSize, following continue tokens of one snapshot', async () => {
      for (const n of ['a', 'b', 'c', 'd', 'e']) api.upsert(n);
      const listRv = api.resourceVersion;
      const { inf, seen } = informer({ pageSize: 2 });
      inf.start();
      await inf.waitForSync();
      expect(api.lists.map((q) => [q.get('limit'), q.has('continue')])).toEqual([
        ['2', false],
        ['2', true],
        ['2', true],
      ]);
      expect(inf.stats.listPages).toBe(3);
      expect(events(seen)).toEqual(['add ns/a', 'add ns/b', 'add ns/c', 'add ns/d', 'add ns/e']);
      expect(inf.list().every((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1')).toBe(true);
      await until('a watch', () => api.watches.length === 1);
      expect(api.watches[0]!.get('resourceVersion')).toBe(listRv);
    });

    it('lists again from the first page when a continue token has expired (410), committing only a complete list', async () => {
      for (const n of ['a', 'b', 'c', 'd', 'e']) api.upsert(n);
      api.expireContinueTokens = 1;
      const { inf, seen } = informer({ pageSize: 2 });
      inf.start();
      await inf.waitForSync();
      expect(api.lists.map((q) => q.has('continue'))).toEqual([false, true, false, true, true]);
      expect(inf.stats).toMatchObject({ lists: 2, listPages: 4, gone: 1, watchErrors: 0 });
      expect(events(seen)).toEqual(['add ns/a', 'add ns/b', 'add ns/c', 'add ns/d', 'add ns/e']);
    });

    it('passes its label selector to list and watch, and caches only what matches', async () => {
      api.upsert('mine', { labels: { 'app.kubernetes.io/managed-by': 'slice-operator' } });
      api.upsert('theirs', { labels: { 'app.kubernetes.io/managed-by': 'someone-else' } });
      const { inf, seen } = informer({ labelSelector: 'app.kubernetes.io/managed-by=slice-operator' });
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      api.upsert('theirs-2', { labels: { 'app.kubernetes.io/managed-by': 'someone-else' } });
      api.upsert('mine-2', { labels: { 'app.kubernetes.io/managed-by': 'slice-operator' } });
      await until('mine-2', () => inf.get(key('mine-2')) !== undefined);
      expect(events(seen)).toEqual(['add ns/mine', 'add ns/mine-2']);
      expect(api.lists[0]!.get('labelSelector')).toBe('app.kubernetes.io/managed-by=slice-operator');
      expect(api.watches[0]!.get('labelSelector')).toBe('app.kubernetes.io/managed-by=slice-operator');
    });

    it('keeps retrying a failing list with backoff, and waitForSync gives up at its timeout', async () => {
      api.upsert('a');
      for (let i = 0; i < 3; i++) api.listFailures.push({ code: 403, reason: 'Forbidden' });
      const { inf } = informer({ backoffBaseMs: 100, backoffMaxMs: 100 });
      inf.start();
      await expect(inf.waitForSync(50)).rejects.toThrow(`informer ${COLLECTION} did not sync in 50 ms`);
      expect(inf.hasSynced).toBe(false);
      await inf.waitForSync();
      expect(inf.stats.lists).toBe(4);
      expect(inf.stats.watchErrors).toBe(3);
      expect(inf.get(key('a'))).toBeDefined();
      expect(lines.filter((l) => l.msg === 'watch failed, retrying' && String(l.error).includes('403 Forbidden'))).toHaveLength(3);
    });

    it('is started once however often start is called', async () => {
      api.upsert('a');
      const { inf, seen } = informer();
      inf.start();
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches >= 1);
      await settle(50);
      expect(api.lists).toHaveLength(1);
      expect(api.openWatches).toBe(1);
      expect(events(seen)).toEqual(['add ns/a']);
    });
  });

  describe('watch', () => {
    it('delivers adds, updates and deletes, with the cached object they replace', async () => {
      const a1 = api.upsert('a', { data: { v: '1' } });
      const b1 = api.upsert('b');
      const { inf, seen } = informer();
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      const c1 = api.upsert('c');
      const a2 = api.upsert('a', { data: { v: '2' } });
      api.remove('b');
      await until('the delete of b', () => seen.length === 5);
      expect(seen.slice(2)).toEqual([
        { ev: 'add', key: key('c'), rv: c1.metadata.resourceVersion, old: undefined },
        { ev: 'update', key: key('a'), rv: a2.metadata.resourceVersion, old: a1.metadata.resourceVersion },
        { ev: 'delete', key: key('b'), rv: String(Number(a2.metadata.resourceVersion) + 1), old: b1.metadata.resourceVersion },
      ]);
      expect(inf.get(key('a'))!.data).toEqual({ v: '2' });
      expect(inf.get(key('b'))).toBeUndefined();
      expect(inf.list().map(objectKey).sort()).toEqual([key('a'), key('c')]);
    });

    it('renews a stream the server ends, from the last resourceVersion, without listing again', async () => {
      const { inf, seen } = informer();
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      const x = api.upsert('x');
      await until('x', () => seen.length === 1);
      api.endWatches();
      await until('a second watch', () => api.watches.length === 2 && api.openWatches === 1);
      expect(api.watches[1]!.get('resourceVersion')).toBe(x.metadata.resourceVersion);
      api.upsert('y');
      await until('y', () => seen.length === 2);
      expect(events(seen)).toEqual(['add ns/x', 'add ns/y']);
      expect(inf.stats).toMatchObject({ lists: 1, watches: 2, watchErrors: 0, gone: 0 });
    });

    it('resumes from a bookmark, which reaches no handler', async () => {
      api.upsert('a');
      const { inf, seen } = informer();
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      const rv = api.bookmark();
      api.upsert('b'); // after the bookmark on the same stream: both arrive in order
      await until('b', () => seen.length === 2);
      api.endWatches();
      await until('a second watch', () => api.watches.length === 2);
      expect(api.watches[1]!.get('resourceVersion')).toBe(String(Number(rv) + 1));
      expect(events(seen)).toEqual(['add ns/a', 'add ns/b']);
    });

    it('a bookmark alone moves the resourceVersion a renewed watch starts from', async () => {
      const { inf } = informer();
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      const rv = api.bookmark();
      api.endWatches(); // the bookmark is read before the end of the same stream
      await until('a second watch', () => api.watches.length === 2);
      expect(api.watches[1]!.get('resourceVersion')).toBe(rv);
    });

    it('treats an ADDED for a cached object as an update, and a DELETED for an unknown one as a delete without old', async () => {
      const a1 = api.upsert('a', { data: { v: '1' } });
      const { inf, seen } = informer();
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      // What a server replaying state sends (a watch without resourceVersion starts with an
      // ADDED for every object), and the delete of an object this cache never held.
      const a2 = { ...a1, metadata: { ...a1.metadata, resourceVersion: String(Number(api.resourceVersion) + 1) }, data: { v: '2' } };
      api.inject('ADDED', a2);
      const ghost = { ...a1, metadata: { ...a1.metadata, name: 'ghost', uid: 'uid-ghost', resourceVersion: String(Number(api.resourceVersion) + 2) } };
      api.inject('DELETED', ghost);
      await until('both events', () => seen.length === 3);
      expect(seen.slice(1)).toEqual([
        { ev: 'update', key: key('a'), rv: a2.metadata.resourceVersion, old: a1.metadata.resourceVersion },
        { ev: 'delete', key: key('ghost'), rv: ghost.metadata.resourceVersion, old: undefined },
      ]);
      expect(inf.get(key('a'))!.data).toEqual({ v: '2' });
      expect(inf.list().map(objectKey)).toEqual([key('a')]);
      // The resourceVersion of the last event is where a renewed watch starts.
      api.endWatches();
      await until('a second watch', () => api.watches.length === 2);
      expect(api.watches[1]!.get('resourceVersion')).toBe(ghost.metadata.resourceVersion);
    });
  });

  describe('410 Gone', () => {
    it.each(['event', 'status'] as const)('re-lists when the watch resourceVersion was compacted (410 as %s): deletes what vanished, updates what changed', async (goneAs) => {
      api.goneAs = goneAs;
      api.upsert('keep');
      const changed = api.upsert('changed', { data: { v: '1' } });
      const vanished = api.upsert('vanished');
      const { inf, seen } = informer();
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      // While the stream is down, changes happen and their events are compacted away.
      api.upsert('changed', { data: { v: '2' }, notify: false });
      api.remove('vanished', { notify: false });
      api.upsert('new', { notify: false });
      api.compact();
      api.endWatches();
      await until('the re-list', () => inf.stats.lists === 2);
      // watches: the first, the one answered 410, and one from the new list.
      await until('a watch from the new list', () => api.watches.length === 3 && api.openWatches === 1);
      expect(events(seen).slice(3)).toEqual(['delete ns/vanished', 'update ns/changed', 'add ns/new']);
      const del = seen.find((s) => s.ev === 'delete')!;
      expect(del).toEqual({ ev: 'delete', key: key('vanished'), rv: vanished.metadata.resourceVersion, old: vanished.metadata.resourceVersion });
      expect(seen.find((s) => s.ev === 'update')!.old).toBe(changed.metadata.resourceVersion);
      expect(inf.get(key('changed'))!.data).toEqual({ v: '2' });
      expect(inf.list().map(objectKey).sort()).toEqual([key('changed'), key('keep'), key('new')]);
      expect(inf.stats).toMatchObject({ gone: 1, watchErrors: 0 });
      expect(api.watches.at(-1)!.get('resourceVersion')).toBe(api.resourceVersion);
      expect(lines.some((l) => l.msg === 'watch expired (410 Gone), re-listing')).toBe(true);
    });
  });

  describe('errors and backoff', () => {
    it('restarts a stream cut mid-response from the last resourceVersion, and misses nothing', async () => {
      const { inf, seen } = informer();
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      const a = api.upsert('a');
      await until('a', () => seen.length === 1);
      api.breakWatches();
      api.upsert('b', { notify: false }); // while the connection is down
      await until('a second watch', () => api.watches.length === 2 && api.openWatches === 1);
      expect(api.watches[1]!.get('resourceVersion')).toBe(a.metadata.resourceVersion);
      await until('b', () => seen.length === 2);
      api.upsert('c');
      await until('c', () => seen.length === 3);
      expect(events(seen)).toEqual(['add ns/a', 'add ns/b', 'add ns/c']);
      expect(inf.stats).toMatchObject({ lists: 1, watchErrors: 1, gone: 0 });
    });

    it('restarts after an ERROR event other than 410 in the stream', async () => {
      const { inf, seen } = informer();
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      api.streamError(500, 'InternalError', 'etcd cluster is unavailable');
      await until('a second watch', () => api.watches.length === 2 && api.openWatches === 1);
      api.upsert('a');
      await until('a', () => seen.length === 1);
      expect(inf.stats).toMatchObject({ lists: 1, watchErrors: 1, gone: 0 });
      expect(lines.find((l) => l.msg === 'watch failed, retrying')!.error).toContain('500 InternalError: etcd cluster is unavailable');
    });

    it('backs off exponentially between failed watches and re-lists after the third failure in a row', async () => {
      api.upsert('a');
      // A Status from the API server, then plain text from a proxy in front of it.
      api.watchFailures.push({ code: 500, reason: 'InternalError' }, { code: 503, text: 'upstream connect error' }, { code: 500 });
      const { inf } = informer({ backoffBaseMs: 100, backoffMaxMs: 10_000 });
      inf.start();
      await inf.waitForSync();
      await until('a healthy watch', () => api.watches.length === 4 && api.openWatches === 1);
      expect(inf.stats).toMatchObject({ watchErrors: 3, lists: 2, watches: 4 });
      const kinds = api.requests.map((r) => r.kind);
      expect(kinds).toEqual(['list', 'watch', 'watch', 'watch', 'list', 'watch']);
      // Full jitter between half and all of base * 2^attempt: each wait is at least 50, 100, 200 ms.
      const at = api.requests.map((r) => r.at);
      const gaps = [at[2]! - at[1]!, at[3]! - at[2]!, at[4]! - at[3]!];
      const tolerance = 5; // timers may fire a millisecond early against Date.now()
      expect(gaps[0]).toBeGreaterThanOrEqual(50 - tolerance);
      expect(gaps[1]).toBeGreaterThanOrEqual(100 - tolerance);
      expect(gaps[2]).toBeGreaterThanOrEqual(200 - tolerance);
      expect(lines.filter((l) => l.msg === 'watch failed, retrying').map((l) => l.error)).toEqual([
        expect.stringContaining('500 InternalError'),
        expect.stringContaining('503 Unknown: upstream connect error'),
        expect.stringContaining('500 Internal Server Error'),
      ]);
    });

    it('a successful watch resets the backoff', async () => {
      api.watchFailures.push({ code: 500 }, { code: 500 });
      const { inf } = informer({ backoffBaseMs: 20 });
      inf.start();
      await inf.waitForSync();
      await until('a healthy watch', () => api.openWatches === 1);
      api.endWatches(); // a clean end: renewed at once, attempt count back to zero
      await until('a renewed watch', () => api.watches.length === 4 && api.openWatches === 1);
      api.watchFailures.push({ code: 500 }, { code: 500 });
      api.endWatches();
      await until('a healthy watch after two more failures', () => api.watches.length === 7 && api.openWatches === 1);
      // Four failures in all but never three in a row: no re-list.
      expect(inf.stats).toMatchObject({ watchErrors: 4, lists: 1 });
    });
  });

  describe('watchdog', () => {
    it('restarts a silent stream, without counting an error or re-listing, and gets what it missed', async () => {
      api.upsert('a');
      api.silent = true;
      const { inf, seen } = informer({ watchdogMs: 200 });
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      const b = api.upsert('b'); // never reaches the silent stream
      await until('the watchdog', () => inf.stats.watchdogFired >= 1 && api.watches.length >= 2);
      expect(events(seen)).toEqual(['add ns/a']);
      expect(inf.stats).toMatchObject({ lists: 1, watchErrors: 0, gone: 0 });
      // Renewed from the list's resourceVersion: nothing was received since.
      expect(api.watches[1]!.get('resourceVersion')).toBe(api.watches[0]!.get('resourceVersion'));
      expect(lines.some((l) => l.msg === 'watch stream silent, restarting (watchdog)')).toBe(true);
      api.silent = false;
      await until('b, replayed by the next stream', () => inf.get(key('b')) !== undefined);
      expect(rvOf(inf, 'b')).toBe(b.metadata.resourceVersion);
      expect(events(seen)).toEqual(['add ns/a', 'add ns/b']);
      expect(inf.stats.lists).toBe(1);
    });

    it('leaves a stream alone while events or bookmarks keep arriving', async () => {
      const { inf } = informer({ watchdogMs: 1000 });
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      for (let i = 0; i < 25; i++) {
        await settle(100);
        api.bookmark();
      }
      expect(inf.stats.watchdogFired).toBe(0);
      expect(api.watches).toHaveLength(1);
    });
  });

  describe('resync', () => {
    it('hands every cached object to the handlers again each period, and stops with the informer', async () => {
      api.upsert('a');
      api.upsert('b');
      const { inf, seen } = informer({ resyncMs: 50 });
      inf.start();
      await inf.waitForSync();
      await until('two resyncs', () => seen.filter((s) => s.ev === 'resync').length >= 4);
      const resynced = seen.filter((s) => s.ev === 'resync');
      expect(new Set(resynced.map((s) => s.key))).toEqual(new Set([key('a'), key('b')]));
      // A resync carries the cached object itself.
      const got: KubeObject[] = [];
      inf.on((ev, obj) => ev === 'resync' && got.push(obj));
      await until('a resync to the new handler', () => got.length >= 2);
      expect(got.every((o) => o === inf.get(objectKey(o)))).toBe(true);
      await inf.stop();
      const n = seen.length;
      await settle(200);
      expect(seen.length).toBe(n);
    });

    it('does not resync without resyncMs', async () => {
      api.upsert('a');
      const { inf, seen } = informer();
      inf.start();
      await inf.waitForSync();
      await settle(200);
      expect(events(seen)).toEqual(['add ns/a']);
    });
  });

  describe('on the way into the cache', () => {
    const managedFields = [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:keep': {} } } }];

    it('strips managedFields when there is no transform', async () => {
      api.upsert('listed', { data: { keep: '1' }, managedFields });
      const { inf } = informer();
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      api.upsert('watched', { data: { keep: '2' }, managedFields });
      await until('watched', () => inf.get(key('watched')) !== undefined);
      for (const name of ['listed', 'watched']) {
        const o = inf.get(key(name))!;
        expect(o.metadata).not.toHaveProperty('managedFields');
        expect(o.metadata).toMatchObject({ name, namespace: NAMESPACE });
        expect(o.data).toBeDefined();
      }
    });

    it('applies the transform to listed and watched objects; handlers see only transformed objects', async () => {
      const sawManagedFields: boolean[] = [];
      const transform = (o: KubeObject): KubeObject => {
        const cm = o as ConfigMap;
        sawManagedFields.push(cm.metadata.managedFields !== undefined);
        return { apiVersion: cm.apiVersion, kind: cm.kind, metadata: { name: cm.metadata.name, namespace: cm.metadata.namespace, resourceVersion: cm.metadata.resourceVersion }, data: { keep: cm.data?.keep ?? '' } };
      };
      api.upsert('a', { data: { keep: '1', drop: 'x'.repeat(1000) }, managedFields });
      const { inf } = informer({ transform });
      const handed: { obj: KubeObject; old?: KubeObject }[] = [];
      inf.on((_ev, obj, old) => handed.push({ obj, old }));
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      const a2 = api.upsert('a', { data: { keep: '2', drop: 'y' }, managedFields });
      await until('the update', () => handed.length === 2);
      expect(inf.get(key('a'))).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: NAMESPACE, resourceVersion: a2.metadata.resourceVersion }, data: { keep: '2' } });
      expect(handed[0]!.obj.data).toEqual({ keep: '1' });
      expect(handed[1]!.obj.data).toEqual({ keep: '2' });
      expect(handed[1]!.old).toBe(handed[0]!.obj);
      // The transform reads the object as it came, managedFields included.
      expect(sawManagedFields).toEqual([true, true]);
    });

    it('shares values repeated across cached objects through the value table', async () => {
      const labels = { 'app.kubernetes.io/managed-by': 'slice-operator', tier: 'upf' };
      api.upsert('a', { labels });
      api.upsert('b', { labels });
      const { inf } = informer({ shared: new ValueTable() });
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      api.upsert('c', { labels });
      await until('c', () => inf.get(key('c')) !== undefined);
      const cached = (n: string): ConfigMap => inf.get(key(n))!;
      const [a, b, c] = [cached('a'), cached('b'), cached('c')] as const;
      expect(a.metadata.labels).toEqual(labels);
      expect(b.metadata.labels).toBe(a.metadata.labels);
      expect(c.metadata.labels).toBe(a.metadata.labels);
      expect(Object.isFrozen(a.metadata.labels)).toBe(true);
    });
  });

  describe('handlers', () => {
    it('contains a throwing handler: the others still run and the cache still changes', async () => {
      api.upsert('a');
      const { inf, seen } = informer();
      const after: string[] = [];
      inf.on(() => {
        throw new Error('handler bug');
      });
      inf.on((ev, obj) => after.push(`${ev} ${objectKey(obj)}`));
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      api.upsert('b');
      await until('b', () => after.length === 2);
      expect(after).toEqual(['add ns/a', 'add ns/b']);
      expect(events(seen)).toEqual(['add ns/a', 'add ns/b']);
      expect(inf.get(key('b'))).toBeDefined();
      expect(inf.stats.watchErrors).toBe(0);
      expect(lines.filter((l) => l.msg === 'informer handler threw')).toEqual([
        expect.objectContaining({ level: 'error', path: COLLECTION, error: 'Error: handler bug' }),
        expect.objectContaining({ level: 'error', path: COLLECTION, error: 'Error: handler bug' }),
      ]);
    });
  });

  describe('stop', () => {
    it('closes the open stream and makes no request after', async () => {
      const { inf } = informer();
      inf.start();
      await inf.waitForSync();
      await until('a watch', () => api.openWatches === 1);
      await inf.stop();
      await until('the stream to close', () => api.openWatches === 0);
      const n = api.requests.length;
      await settle(200);
      expect(api.requests.length).toBe(n);
    });

    it('does not wait out a backoff', async () => {
      api.watchFailures.push({ code: 500 });
      const { inf } = informer({ backoffBaseMs: 600_000, backoffMaxMs: 600_000 });
      inf.start();
      await inf.waitForSync();
      await until('the failed watch', () => inf.stats.watchErrors === 1);
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<string>((r) => (timer = setTimeout(() => r('still sleeping'), 10_000)));
      try {
        expect(await Promise.race([inf.stop().then(() => 'stopped'), hung])).toBe('stopped');
      } finally {
        clearTimeout(timer);
      }
      expect(api.watches).toHaveLength(1);
    });

    it('of an informer never started resolves', async () => {
      const { inf } = informer();
      await expect(inf.stop()).resolves.toBeUndefined();
      expect(api.requests).toEqual([]);
    });
  });
});

describe('objectKey', () => {
  it.each([
    [{ metadata: { namespace: 'ns', name: 'n' } }, 'ns/n'],
    [{ metadata: { name: 'node-1' } }, 'node-1'],
    [{ metadata: {} }, ''],
    [{}, ''],
  ] as [KubeObject, string][])('%j -> %s', (o, k) => expect(objectKey(o)).toBe(k));
});

describe('stripManagedFields', () => {
  it('drops managedFields and keeps the rest of the metadata', () => {
    const o = { metadata: { name: 'a', labels: { x: 'y' }, managedFields: [{ manager: 'm' }], uid: 'u' }, spec: { n: 1 } };
    const out = stripManagedFields(o);
    expect(out).toBe(o);
    expect(out).toEqual({ metadata: { name: 'a', labels: { x: 'y' }, uid: 'u' }, spec: { n: 1 } });
  });

  it('leaves an object without managedFields untouched', () => {
    const md = { name: 'a' };
    const o: KubeObject = { metadata: md };
    expect(stripManagedFields(o).metadata).toBe(md);
    expect(stripManagedFields({ kind: 'X' })).toEqual({ kind: 'X' });
  });
});
