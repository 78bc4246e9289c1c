/**
 * A heatmap as a standalone SVG document: a rows × cols grid of values coloured with viridis
 * (linearly or by log10), axes with ticks and titles, and a colorbar with its own ticks.
 *
 * Row r is drawn at the r-th band from the bottom of the y axis and column c at the c-th band
 * from the left of the x axis; `yDomain`/`xDomain` give the axis values those bands span.
 * Colours are quantized to `levels` steps so that neighbouring cells of one colour merge into
 * one path: the file stays small (one `<path>` per colour level, not one `<rect>` per cell).
 * Values outside a given `domain` take the end colours, and the colorbar gets a pointed end
 * (as matplotlib's `extend`); on a log scale, exact zeros count as below any domain (an
 * underflowed gradient is the smallest value, not a missing one). Non-finite values, and
 * negative values on a log scale, are drawn grey and listed as "no data".
 */
import { type Frame, type Scale, drawAxes, makeScale } from './axis.js';
import { VIRIDIS, viridis } from './colormap.js';
import { coord, svgOpen, text, textWidth } from './svg.js';

export interface HeatmapOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  rows: number;
  cols: number;
  /** rows × cols values, row-major. */
  values: ArrayLike<number>;
  /** How values map to colours (default linear). */
  colorScale?: 'linear' | 'log';
  /** The colorbar's title (what the colour measures). */
  colorLabel?: string;
  /** Values mapped to the ends of the colormap (default the data's extent); outside it, clamped. */
  domain?: [number, number];
  /** Axis values spanned by the columns (default [0, cols]) and by the rows (default [0, rows]). */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Names of the columns and of the rows (e.g. labels): one tick per cell, at its centre, instead of numbers (at most 40; longer names cut to 10 characters). */
  xCategories?: readonly string[];
  yCategories?: readonly string[];
  /** Colour steps (default 64). */
  levels?: number;
  width?: number;
  height?: number;
}

const NO_DATA = '#c8c8c8';

/** The scale with one tick per category at its cell's centre, when categories are given and few enough. */
function categoryTicks(op: string, name: string, scale: Scale, categories: readonly string[] | undefined, n: number, a: number, b: number): Scale {
  if (categories === undefined) return scale;
  if (categories.length !== n) throw new RangeError(`${op}: ${name} has ${categories.length} names but there are ${n} cells along that axis`);
  if (n > 40) return scale;
  const cut = (c: string) => (c.length > 10 ? `${c.slice(0, 9)}…` : c);
  return { ...scale, ticks: categories.map((c, i) => ({ value: a + ((i + 0.5) * (b - a)) / n, label: cut(c) })) };
}

export function heatmap(options: HeatmapOptions): string {
  const op = 'heatmap';
  const { title, xLabel, yLabel, rows, cols, values } = options;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
    throw new RangeError(`${op}: rows and cols must be positive integers, got ${rows} × ${cols}`);
  }
  if (!values || values.length !== rows * cols) {
    throw new RangeError(`${op}: values has ${values?.length} entries but ${rows} × ${cols} needs ${rows * cols}`);
  }
  const log = (options.colorScale ?? 'linear') === 'log';
  const levels = Math.max(2, Math.floor(options.levels ?? 64));
  const width = options.width ?? 760, height = options.height ?? 460;
  const drawable = (v: number) => Number.isFinite(v) && (!log || v >= 0);

  let lo = Infinity, hi = -Infinity, missing = false, zeros = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!drawable(v)) { missing = true; continue; }
    if (log && v === 0) { zeros = true; continue; } // log 0 = −∞: below any domain
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // values beyond a given domain are clamped, and the colorbar says so with a pointed end
  const below = zeros || (options.domain !== undefined && lo < options.domain[0]);
  const above = options.domain !== undefined && hi > options.domain[1];
  if (options.domain) [lo, hi] = options.domain;
  if (!(lo <= hi)) { lo = log ? 0.1 : 0; hi = 1; }

  const colorbarLabel = options.colorLabel ?? '';
  const frame: Frame = { left: 84, top: 44, width: width - 84 - 130, height: height - 44 - 58 };
  const [xa, xb] = options.xDomain ?? [0, cols];
  const [ya, yb] = options.yDomain ?? [0, rows];
  const xs = categoryTicks(op, 'xCategories', makeScale(xa, xb, [frame.left, frame.left + frame.width], false, false), options.xCategories, cols, xa, xb);
  const ys = categoryTicks(op, 'yCategories', makeScale(ya, yb, [frame.top + frame.height, frame.top], false, false), options.yCategories, rows, ya, yb);
  const cs = makeScale(lo, hi, [frame.top + frame.height, frame.top], log, false);
  const [c0, c1] = cs.domain;
  const f = log ? Math.log10 : (v: number) => v;
  const level = (v: number): number => {
    if (!drawable(v)) return -1;
    const u = (f(Math.min(c1, Math.max(c0, v))) - f(c0)) / (f(c1) - f(c0) || 1);
    return Math.min(levels - 1, Math.floor(u * levels));
  };

  // one path per colour level, in cell units: column c, row r → the square at (c, rows − 1 − r)
  const paths = new Map<number, string[]>();
  for (let r = 0; r < rows; r++) {
    const py = rows - 1 - r;
    let c = 0;
    while (c < cols) {
      const l = level(values[r * cols + c]);
      let end = c + 1;
      while (end < cols && level(values[r * cols + end]) === l) end++;
      const list = paths.get(l) ?? [];
      list.push(`M${c} ${py}h${end - c}v1h${c - end}z`);
      paths.set(l, list);
      c = end;
    }
  }

  const out: string[] = [svgOpen(width, height, title)];
  out.push(text(width / 2, 26, title, 'text-anchor="middle" font-size="16" font-weight="bold" class="title"'));
  const sx = frame.width / cols, sy = frame.height / rows;
  out.push(`<g class="cells" data-rows="${rows}" data-cols="${cols}" shape-rendering="crispEdges" transform="translate(${coord(frame.left)} ${coord(frame.top)}) scale(${sx.toPrecision(6)} ${sy.toPrecision(6)})">`);
  for (const [l, list] of [...paths.entries()].sort((a, b) => a[0] - b[0])) {
    const fill = l < 0 ? NO_DATA : viridis((l + 0.5) / levels);
    out.push(`<path fill="${fill}" d="${list.join('')}"/>`);
  }
  out.push('</g>');
  out.push(drawAxes(frame, xs, ys, xLabel, yLabel, false));

  // colorbar: a gradient from the low end (bottom) to the high end (top)
  const bx = frame.left + frame.width + 22, bw = 16;
  out.push('<defs><linearGradient id="colorbar-gradient" x1="0" y1="1" x2="0" y2="0">'
    + VIRIDIS.map((h, i) => `<stop offset="${coord(i / (VIRIDIS.length - 1))}" stop-color="${h}"/>`).join('')
    + '</linearGradient></defs>');
  out.push(`<g class="colorbar" data-scale="${log ? 'log' : 'linear'}">`);
  out.push(`<rect x="${coord(bx)}" y="${coord(frame.top)}" width="${bw}" height="${coord(frame.height)}" fill="url(#colorbar-gradient)" stroke="#333"/>`);
  let widest = 0;
  for (const t of cs.ticks) {
    const py = cs.map(t.value);
    if (py < frame.top - 0.5 || py > frame.top + frame.height + 0.5) continue;
    out.push(`<line x1="${coord(bx + bw)}" y1="${coord(py)}" x2="${coord(bx + bw + 4)}" y2="${coord(py)}" stroke="#333"/>`);
    out.push(text(bx + bw + 7, py + 4, t.label, 'fill="#333" class="tick c"'));
    widest = Math.max(widest, textWidth(t.label));
  }
  if (colorbarLabel) {
    const tx = bx + bw + 7 + widest + 14, ty = frame.top + frame.height / 2;
    out.push(text(tx, ty, colorbarLabel, `text-anchor="middle" font-size="13" class="axis-label c" transform="rotate(-90 ${coord(tx)} ${coord(ty)})"`));
  }
  const barBottom = frame.top + frame.height;
  if (below) {
    out.push(`<path class="extend-below" d="M${coord(bx)} ${coord(barBottom)}h${bw}l${-bw / 2} 10z" fill="${viridis(0)}" stroke="#333"/>`);
  }
  if (above) {
    out.push(`<path class="extend-above" d="M${coord(bx)} ${coord(frame.top)}h${bw}l${-bw / 2} -10z" fill="${viridis(1)}" stroke="#333"/>`);
  }
  if (missing) {
    const my = barBottom + 30;
    out.push(`<rect x="${coord(bx)}" y="${coord(my - 10)}" width="${bw}" height="12" fill="${NO_DATA}" stroke="#333"/>`);
    out.push(text(bx + bw + 7, my, 'no data', 'fill="#333"'));
  }
  out.push('</g>');
  out.push('</svg>\n');
  return out.join('\n');
}

