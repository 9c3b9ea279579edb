/** A line chart as a standalone SVG document: axes from 0 to 1 on y, one polyline per series. */

export interface Series {
  readonly label: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface Chart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xMin: number;
  readonly xMax: number;
  /** Tick positions on x. */
  readonly xTicks: readonly number[];
  readonly series: readonly Series[];
  /** A dashed reference line between two points (the chance diagonal of a ROC plot). */
  readonly reference?: readonly [readonly [number, number], readonly [number, number]];
  /** Draw steps and markers (Recall@K) rather than a plain line (ROC). */
  readonly markers?: boolean;
}

const W = 480, H = 360, L = 56, R = 150, T = 36, B = 48;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const f = (n: number) => (Math.round(n * 100) / 100).toString();

export function lineChart(c: Chart): string {
  const pw = W - L - R, ph = H - T - B;
  const x = (v: number) => L + ((v - c.xMin) / (c.xMax - c.xMin || 1)) * pw;
  const y = (v: number) => T + (1 - v) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(c.title)}</text>`);
  for (const v of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    out.push(`<line x1="${L}" y1="${f(y(v))}" x2="${L + pw}" y2="${f(y(v))}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 6}" y="${f(y(v) + 4)}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  for (const v of c.xTicks) {
    out.push(`<line x1="${f(x(v))}" y1="${T + ph}" x2="${f(x(v))}" y2="${T + ph + 4}" stroke="black"/>`);
    out.push(`<text x="${f(x(v))}" y="${T + ph + 18}" text-anchor="middle">${escapeXml(String(v))}</text>`);
  }
  out.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`);
  out.push(`<text x="${L + pw / 2}" y="${H - 10}" text-anchor="middle">${escapeXml(c.xLabel)}</text>`);
  out.push(`<text x="16" y="${T + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${T + ph / 2})">${escapeXml(c.yLabel)}</text>`);
  if (c.reference) {
    const [[x1, y1], [x2, y2]] = c.reference;
    out.push(`<line x1="${f(x(x1))}" y1="${f(y(y1))}" x2="${f(x(x2))}" y2="${f(y(y2))}" stroke="#999" stroke-dasharray="4 4"/>`);
  }
  c.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const pts = s.points.map(([a, b]) => `${f(x(a))},${f(y(b))}`).join(' ');
    if (pts) out.push(`<polyline points="${pts}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    if (c.markers) for (const [a, b] of s.points) out.push(`<circle cx="${f(x(a))}" cy="${f(y(b))}" r="3" fill="${colour}"/>`);
    const ly = T + 10 + i * 18;
    out.push(`<line x1="${L + pw + 12}" y1="${ly}" x2="${L + pw + 32}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text x="${L + pw + 38}" y="${ly + 4}">${escapeXml(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
