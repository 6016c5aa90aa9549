/**
 * `npx tsx bench/heap-summary.ts FILE.heapsnapshot [--top 40]`: what a V8 heap snapshot holds,
 * summed by kind and constructor (self sizes), largest first. Counts help spot per-slice
 * structures: at 10,000 slices they come in multiples of 10,000.
 * The scale benchmark writes a snapshot of the operator with `--heap-snapshot DIR`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const { values: args, positionals } = parseArgs({ options: { top: { type: 'string', default: '40' } }, allowPositionals: true });
const file = positionals[0];
if (!file) {
  console.error('usage: heap-summary FILE.heapsnapshot [--top N]');
  process.exit(2);
}
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const width = fields.length;
const [fType, fName, fSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];

const groups = new Map<string, { count: number; bytes: number }>();
let total = 0;
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + fType]!]!;
  const size = snap.nodes[i + fSize]!;
  total += size;
  // Objects by constructor; strings and V8 internals by kind only (their names are contents).
  const label = type === 'object' || type === 'closure' || type === 'native' ? `${type} ${snap.strings[snap.nodes[i + fName]!]}` : type;
  const g = groups.get(label) ?? { count: 0, bytes: 0 };
  g.count++;
  g.bytes += size;
  groups.set(label, g);
}
const mb = (b: number) => (b / 2 ** 20).toFixed(1);
console.log(`${file}: ${snap.nodes.length / width} nodes, ${mb(total)} MB (self sizes)\n`);
console.log('| kind / constructor | count | MB |\n|---|---|---|');
for (const [label, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(args.top))) {
  console.log(`| ${label.slice(0, 80)} | ${g.count} | ${mb(g.bytes)} |`);
}

// Retained sizes: what would be freed with each object, from the dominator tree of the graph
// (Cooper, Harvey and Kennedy's iterative algorithm; weak edges do not retain).
const snapEdges = (snap as unknown as { edges: number[] }).edges;
const edgeMeta = (snap.snapshot.meta as unknown as { edge_fields: string[]; edge_types: [string[]] });
const eWidth = edgeMeta.edge_fields.length;
const [eType, eTo] = ['type', 'to_node'].map((f) => edgeMeta.edge_fields.indexOf(f)) as [number, number];
const weak = edgeMeta.edge_types[0].indexOf('weak');
const fEdges = fields.indexOf('edge_count');
const n = snap.nodes.length / width;
const firstEdge = new Uint32Array(n + 1);
for (let i = 0; i < n; i++) firstEdge[i + 1] = firstEdge[i]! + snap.nodes[i * width + fEdges]! * eWidth;
const succ = (v: number, f: (w: number) => void) => {
  for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e += eWidth) if (snapEdges[e + eType] !== weak) f(snapEdges[e + eTo]! / width);
};
// Post-order from the root (node 0), iteratively.
const post = new Int32Array(n).fill(-1);
const order: number[] = [];
const visited = new Uint8Array(n);
const stack: number[] = [0];
const cursor = new Uint32Array(n);
visited[0] = 1;
for (let i = 0; i < n; i++) cursor[i] = firstEdge[i]!;
while (stack.length) {
  const v = stack[stack.length - 1]!;
  let pushed = false;
  while (cursor[v]! < firstEdge[v + 1]!) {
    const e = cursor[v]!;
    cursor[v] = e + eWidth;
    if (snapEdges[e + eType] === weak) continue;
    const w = snapEdges[e + eTo]! / width;
    if (!visited[w]) {
      visited[w] = 1;
      stack.push(w);
      pushed = true;
      break;
    }
  }
  if (!pushed) {
    stack.pop();
    post[v] = order.length;
    order.push(v);
  }
}
const preds: number[][] = Array.from({ length: n }, () => []);
for (const v of order) succ(v, (w) => preds[w]!.push(v));
const idom = new Int32Array(n).fill(-1);
idom[0] = 0;
const intersect = (a: number, b: number) => {
  while (a !== b) {
    while (post[a]! < post[b]!) a = idom[a]!;
    while (post[b]! < post[a]!) b = idom[b]!;
  }
  return a;
};
for (let changed = true; changed; ) {
  changed = false;
  for (let i = order.length - 2; i >= 0; i--) {
    const v = order[i]!;
    let d = -1;
    for (const p of preds[v]!) if (idom[p] !== -1) d = d === -1 ? p : intersect(p, d);
    if (d !== -1 && idom[v] !== d) {
      idom[v] = d;
      changed = true;
    }
  }
}
const retained = new Float64Array(n);
for (const v of order) retained[v]! += snap.nodes[v * width + fSize]!;
for (const v of order) if (v !== 0) retained[idom[v]!]! += retained[v]!;
const nameOf = (v: number) => `${types[snap.nodes[v * width + fType]!]} ${snap.strings[snap.nodes[v * width + fName]!]!.slice(0, 60)}`;
const ours = order.filter((v) => types[snap.nodes[v * width + fType]!] === 'object' && /^[A-Z]/.test(snap.strings[snap.nodes[v * width + fName]!]!) && retained[v]! > 2 ** 20);
// Which field of its dominator holds it ("Informer.cache"): tells the many Maps apart.
const eName = edgeMeta.edge_fields.indexOf('name_or_index');
const propertyLike = new Set(['context', 'property', 'internal', 'shortcut'].map((t) => edgeMeta.edge_types[0].indexOf(t)));
const heldBy = (v: number): string => {
  const d = idom[v]!;
  for (let e = firstEdge[d]!; e < firstEdge[d + 1]!; e += eWidth) {
    if (snapEdges[e + eTo]! / width !== v) continue;
    const name = propertyLike.has(snapEdges[e + eType]!) ? snap.strings[snapEdges[e + eName]!] : `[${snapEdges[e + eName]}]`;
    return `${snap.strings[snap.nodes[d * width + fName]!]!.slice(0, 30)}.${name}`;
  }
  return '';
};
console.log(`\nObjects retaining more than 1 MB (a parent's figure includes its children's):\n\n| object | held by | retained MB |\n|---|---|---|`);
for (const v of ours.sort((a, b) => retained[b]! - retained[a]!).slice(0, Number(args.top))) console.log(`| ${nameOf(v)} | ${heldBy(v)} | ${mb(retained[v]!)} |`);
