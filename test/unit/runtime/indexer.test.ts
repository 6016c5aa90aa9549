/** The secondary index follows the cache's add, update (a key that moves), delete and resync events. */
import type { Handler, KubeObject } from '../../../src/runtime/informer.js';
import { Indexer } from '../../../src/runtime/indexer.js';

class Cache {
  items = new Map<string, KubeObject>();
  handlers: Handler<KubeObject>[] = [];
  get = (k: string) => this.items.get(k);
  list = () => [...this.items.values()];
  on(h: Handler<KubeObject>) {
    this.handlers.push(h);
  }
  emit(ev: 'add' | 'update' | 'delete' | 'resync', obj: KubeObject, old?: KubeObject) {
    for (const h of this.handlers) h(ev, obj, old);
  }
}
const pod = (name: string, group?: string): KubeObject => ({ metadata: { name, namespace: 'ns', labels: group ? { g: group } : {} } });
const byGroup = (o: KubeObject) => (o.metadata?.labels as Record<string, string> | undefined)?.g;
const names = (xs: KubeObject[]) => xs.map((x) => x.metadata?.name).sort();

describe('Indexer', () => {
  it('indexes what the cache holds at creation, then follows its events', () => {
    const c = new Cache();
    c.items.set('ns/a', pod('a', 'x'));
    const ix = new Indexer(c, byGroup);
    expect(names(ix.get('x'))).toEqual(['a']);
    c.emit('add', pod('b', 'x'));
    c.emit('add', pod('c', 'y'));
    c.emit('add', pod('d'));
    expect(names(ix.get('x'))).toEqual(['a', 'b']);
    expect(names(ix.get('y'))).toEqual(['c']);
    // An update that moves an object to another group leaves the old one.
    c.emit('update', pod('b', 'y'), pod('b', 'x'));
    expect(names(ix.get('x'))).toEqual(['a']);
    expect(names(ix.get('y'))).toEqual(['b', 'c']);
    c.emit('resync', pod('b', 'y'), pod('b', 'y'));
    expect(names(ix.get('y'))).toEqual(['b', 'c']);
    c.emit('delete', pod('a', 'x'), pod('a', 'x'));
    expect(ix.get('x')).toEqual([]);
    expect(ix.size).toBe(1);
  });
});
