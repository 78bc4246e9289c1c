/**
 * A line chart as a standalone SVG document: one polyline per series, axes with ticks and
 * titles, light grid lines, and a legend to the right of the plot.
 *
 * Each series is drawn as `<g class="series" data-series="NAME">` holding one or more
 * `<polyline>`s (a non-finite point, or y ≤ 0 on a log axis, breaks the line and is not drawn);
 * each legend entry is `<g class="legend-entry" data-series="NAME">`.
 */
import { type Frame, drawAxes, makeScale } from './axis.js';
import { PALETTE, coord, escapeXml, svgOpen, text, textWidth } from './svg.js';

export interface Series {
  name: string;
  /** [x, y] pairs, in drawing order. */
  points: ReadonlyArray<readonly [number, number]>;
  /** CSS colour; default the palette's next. */
  color?: string;
  /** Dashed (e.g. a reference level such as a baseline). */
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** log10 y axis (default false). */
  logY?: boolean;
  width?: number;
  height?: number;
}

export function lineChart(options: LineChartOptions): string {
  const op = 'lineChart';
  const { title, xLabel, yLabel, series } = options;
  if (!Array.isArray(series)) throw new TypeError(`${op}: series must be an array`);
  const logY = options.logY ?? false;
  const width = options.width ?? 760, height = options.height ?? 460;
  const drawable = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0);

  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of series) {
    if (!Array.isArray(s.points)) throw new TypeError(`${op}: series "${s.name}" has no points array`);
    for (const [x, y] of s.points) {
      if (!drawable(x, y)) continue;
      if (x < x0) x0 = x; if (x > x1) x1 = x;
      if (y < y0) y0 = y; if (y > y1) y1 = y;
    }
  }
  if (x0 > x1) { x0 = 0; x1 = 1; y0 = logY ? 0.1 : 0; y1 = 1; }

  const legendWidth = series.length ? 40 + Math.max(...series.map((s) => textWidth(s.name))) : 0;
  const frame: Frame = { left: 84, top: 44, width: width - 84 - 24 - legendWidth, height: height - 44 - 58 };
  const xs = makeScale(x0, x1, [frame.left, frame.left + frame.width], false, false);
  const ys = makeScale(y0, y1, [frame.top + frame.height, frame.top], logY, true);

  const out: string[] = [svgOpen(width, height, title)];
  out.push(text(width / 2, 26, title, 'text-anchor="middle" font-size="16" font-weight="bold" class="title"'));
  out.push(drawAxes(frame, xs, ys, xLabel, yLabel, true));

  out.push(`<clipPath id="plot-area"><rect x="${coord(frame.left)}" y="${coord(frame.top)}" width="${coord(frame.width)}" height="${coord(frame.height)}"/></clipPath>`);
  series.forEach((s, i) => {
    const color = escapeXml(s.color ?? PALETTE[i % PALETTE.length]);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<g class="series" data-series="${escapeXml(s.name)}" fill="none" stroke="${color}" stroke-width="${s.dashed ? 1.5 : 2}"${dash} stroke-linejoin="round" clip-path="url(#plot-area)">`);
    let run: string[] = [];
    const flush = () => {
      if (run.length) out.push(`<polyline points="${run.join(' ')}"/>`);
      run = [];
    };
    for (const [x, y] of s.points) {
      if (!drawable(x, y)) { flush(); continue; }
      run.push(`${coord(xs.map(x))},${coord(ys.map(y))}`);
    }
    flush();
    out.push('</g>');
  });

  // legend, to the right of the frame
  const lx = frame.left + frame.width + 16;
  out.push('<g class="legend">');
  series.forEach((s, i) => {
    const color = escapeXml(s.color ?? PALETTE[i % PALETTE.length]);
    const ly = frame.top + 10 + i * 22;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<g class="legend-entry" data-series="${escapeXml(s.name)}">`
      + `<line x1="${coord(lx)}" y1="${coord(ly)}" x2="${coord(lx + 24)}" y2="${coord(ly)}" stroke="${color}" stroke-width="${s.dashed ? 1.5 : 2.5}"${dash}/>`
      + text(lx + 30, ly + 4, s.name, 'fill="#222"')
      + '</g>');
  });
  out.push('</g>');
  out.push('</svg>\n');
  return out.join('\n');
}
