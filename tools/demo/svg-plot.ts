/** A dependency-free SVG line chart: enough for "actual vs forecast vs provisioned" per slice. */
export interface PlotSeries {
  name: string;
  color: string;
  values: number[];
  /** Step-shaped line (capacity), instead of straight segments (load). */
  step?: boolean;
  dashed?: boolean;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function svgPlot(title: string, series: PlotSeries[], opts: { width?: number; height?: number; xLabel?: string; yLabel?: string; xTicks?: string[] } = {}): string {
  const W = opts.width ?? 900;
  const H = opts.height ?? 360;
  const m = { l: 64, r: 16, t: 36, b: 56 };
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const finite = series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const yMax = Math.max(1, ...finite) * 1.08;
  const x = (i: number): number => m.l + (i / Math.max(1, n - 1)) * (W - m.l - m.r);
  const y = (v: number): number => H - m.b - (v / yMax) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  for (let k = 0; k <= 5; k++) {
    const v = (yMax / 5) * k;
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Math.round(v)}</text>`);
  }
  const ticks = opts.xTicks ?? [];
  const every = Math.max(1, Math.ceil(ticks.length / 12));
  ticks.forEach((t, i) => {
    if (i % every !== 0) return;
    parts.push(`<text x="${x(i).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${esc(t)}</text>`);
  });
  if (opts.xLabel) parts.push(`<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel) parts.push(`<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${esc(opts.yLabel)}</text>`);
  for (const s of series) {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        pen = false;
        return;
      }
      if (!pen) d += `M${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      else if (s.step) d += `H${x(i).toFixed(1)}V${y(v).toFixed(1)}`;
      else d += `L${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
  }
  series.forEach((s, i) => {
    const lx = m.l + 10 + i * 190;
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${m.t + 4}" y2="${m.t + 4}" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${lx + 30}" y="${m.t + 8}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
