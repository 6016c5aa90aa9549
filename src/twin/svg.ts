/** Dependency-free SVG charts for what-if reports: lines over time, and points of a frontier. */

export interface Line {
  name: string;
  color: string;
  values: ArrayLike<number>;
  /** Step-shaped (capacity) instead of straight segments (load). */
  step?: boolean;
  dashed?: boolean;
}

export interface PointSet {
  name: string;
  color: string;
  points: { x: number; y: number; label?: string }[];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const W = 960;
const H = 380;
const M = { l: 64, r: 170, t: 36, b: 48 };

function frame(title: string, xLabel: string, yLabel: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${(W - M.r + M.l) / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="${(W - M.r + M.l) / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${esc(yLabel)}</text>`,
  ];
}

function axes(parts: string[], xMax: number, yMax: number, xFmt: (v: number) => string): { x: (v: number) => number; y: (v: number) => number } {
  const x = (v: number): number => M.l + (v / (xMax || 1)) * (W - M.l - M.r);
  const y = (v: number): number => H - M.b - (v / (yMax || 1)) * (H - M.t - M.b);
  for (let k = 0; k <= 5; k++) {
    const v = (yMax / 5) * k;
    parts.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${M.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${+v.toPrecision(3)}</text>`);
    const xv = (xMax / 5) * k;
    parts.push(`<text x="${x(xv).toFixed(1)}" y="${H - M.b + 16}" text-anchor="middle">${esc(xFmt(xv))}</text>`);
  }
  return { x, y };
}

function legend(parts: string[], items: { name: string; color: string; dashed?: boolean }[]): void {
  items.forEach((s, i) => {
    const ly = M.t + 10 + i * 18;
    parts.push(`<line x1="${W - M.r + 10}" x2="${W - M.r + 34}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    parts.push(`<text x="${W - M.r + 40}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
}

/** Lines over equally spaced samples; x ticks in hours from the start. */
export function lineChart(title: string, lines: Line[], hoursPerSample: number, yLabel: string): string {
  const parts = frame(title, 'hours from the start of the replay', yLabel);
  const n = Math.max(1, ...lines.map((l) => l.values.length));
  let yMax = 1;
  for (const l of lines) for (let i = 0; i < l.values.length; i++) if (Number.isFinite(l.values[i]!)) yMax = Math.max(yMax, l.values[i]!);
  const { x, y } = axes(parts, n * hoursPerSample, yMax * 1.08, (v) => String(Math.round(v)));
  for (const l of lines) {
    const pts: string[] = [];
    for (let i = 0; i < l.values.length; i++) {
      const v = l.values[i]!;
      if (!Number.isFinite(v)) continue;
      const xs = x(i * hoursPerSample).toFixed(1);
      if (l.step) pts.push(`${xs},${y(v).toFixed(1)}`, `${x((i + 1) * hoursPerSample).toFixed(1)},${y(v).toFixed(1)}`);
      else pts.push(`${xs},${y(v).toFixed(1)}`);
    }
    parts.push(`<polyline fill="none" stroke="${l.color}" stroke-width="1.5"${l.dashed ? ' stroke-dasharray="5 3"' : ''} points="${pts.join(' ')}"/>`);
  }
  legend(parts, lines);
  parts.push('</svg>');
  return parts.join('\n');
}

/** A frontier: each policy's points (x = cost, y = SLA violations), joined in x order. */
export function frontierChart(title: string, sets: PointSet[], xLabel: string, yLabel: string): string {
  const parts = frame(title, xLabel, yLabel);
  const all = sets.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p.x)) * 1.05;
  const yMax = Math.max(0.01, ...all.map((p) => p.y)) * 1.1;
  const { x, y } = axes(parts, xMax, yMax, (v) => String(Math.round(v)));
  for (const s of sets) {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1" stroke-opacity="0.5" points="${pts.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) {
      parts.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(`${s.name} ${p.label ?? ''}: ${p.x.toFixed(1)}, ${p.y.toFixed(3)}`)}</title></circle>`);
    }
  }
  legend(parts, sets);
  parts.push('</svg>');
  return parts.join('\n');
}
