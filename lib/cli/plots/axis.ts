/**
 * Scales (data → pixels, linear or log10) with readable ticks, and the axes drawn from them.
 */
import { coord, formatPower, formatTick, text, textWidth } from './svg.js';

export interface Tick {
  value: number;
  label: string;
}

export interface Scale {
  readonly log: boolean;
  /** The data interval shown, [lo, hi] with lo < hi (both > 0 on a log scale). */
  readonly domain: [number, number];
  /** The pixel interval it maps onto (r0 for lo, r1 for hi; r1 < r0 for a y axis). */
  readonly range: [number, number];
  readonly ticks: Tick[];
  map(v: number): number;
}

/** 1, 2 or 5 × 10^k: the nicest step that gives at most about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Multiples of a nice step within [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 6): Tick[] {
  const step = niceStep(hi - lo, count);
  const ticks: Tick[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    const v = Math.abs(k) < 0.5 ? 0 : Number((k * step).toPrecision(12)); // no −0, no 0.30000000000000004
    ticks.push({ value: v, label: formatTick(v) });
  }
  return ticks;
}

/**
 * Ticks within [lo, hi] (lo > 0) on a log axis: powers of ten (every k-th one if there are
 * more than `count`); when fewer than three powers fall inside, 1×, 2× and 5× each power;
 * when even those give fewer than three ticks, linear ticks.
 */
export function logTicks(lo: number, hi: number, count = 7): Tick[] {
  const e0 = Math.ceil(Math.log10(lo) - 1e-9), e1 = Math.floor(Math.log10(hi) + 1e-9);
  const decades = e1 - e0 + 1;
  if (decades >= 3) {
    const every = Math.ceil(decades / count);
    // plain numbers when every label is short (0.01 … 1000), otherwise 10ⁿ throughout
    const power = e0 < -2 || e1 > 3;
    const ticks: Tick[] = [];
    for (let e = e1; e >= e0; e -= every) ticks.unshift({ value: Math.pow(10, e), label: formatPower(e, power) });
    return ticks;
  }
  const ticks: Tick[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= e1; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * Math.pow(10, e);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push({ value: v, label: formatTick(Number(v.toPrecision(6))) });
    }
  }
  return ticks.length >= 3 ? ticks : linearTicks(lo, hi, 4);
}

/**
 * A scale over data values `lo…hi`. With `nice`, the domain widens to whole ticks (a linear
 * axis) or whole decades (a log axis spanning at least one), so the curves never touch the
 * frame at an odd value. A zero-width domain is widened around its value.
 */
export function makeScale(lo: number, hi: number, range: [number, number], log: boolean, nice: boolean): Scale {
  if (log) {
    if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
    if (!(hi > lo)) { lo /= 2; hi = lo * 4; }
    if (nice) {
      const l0 = Math.floor(Math.log10(lo) + 1e-9), l1 = Math.ceil(Math.log10(hi) - 1e-9);
      if (l1 - l0 >= 2) { lo = Math.pow(10, l0); hi = Math.pow(10, l1); }
      else { lo /= 1.15; hi *= 1.15; }
    }
  } else {
    if (!(hi > lo)) { const pad = lo === 0 ? 1 : Math.abs(lo) / 2; lo -= pad; hi += pad; }
    if (nice) {
      const step = niceStep(hi - lo, 6);
      lo = Math.floor(lo / step + 1e-9) * step;
      hi = Math.ceil(hi / step - 1e-9) * step;
    }
  }
  const [r0, r1] = range;
  const f = log ? Math.log10 : (v: number) => v;
  const f0 = f(lo), f1 = f(hi);
  return {
    log,
    domain: [lo, hi],
    range,
    ticks: log ? logTicks(lo, hi) : linearTicks(lo, hi),
    map: (v: number) => r0 + ((f(v) - f0) / (f1 - f0)) * (r1 - r0),
  };
}

/** The rectangle the data is drawn in. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * A bottom x axis and a left y axis around `frame`: tick marks, tick labels, optional grid
 * lines across the frame, and the axis titles (the y title rotated).
 */
export function drawAxes(frame: Frame, x: Scale, y: Scale, xLabel: string, yLabel: string, grid: boolean): string {
  const { left, top, width, height } = frame;
  const bottom = top + height, right = left + width;
  const parts: string[] = ['<g class="axes" fill="none" stroke="#333" stroke-width="1">'];
  const gridLines: string[] = [];
  const labels: string[] = [];
  for (const t of x.ticks) {
    const px = x.map(t.value);
    if (px < left - 0.5 || px > right + 0.5) continue;
    parts.push(`<line x1="${coord(px)}" y1="${coord(bottom)}" x2="${coord(px)}" y2="${coord(bottom + 5)}"/>`);
    if (grid) gridLines.push(`<line x1="${coord(px)}" y1="${coord(top)}" x2="${coord(px)}" y2="${coord(bottom)}"/>`);
    labels.push(text(px, bottom + 18, t.label, 'text-anchor="middle" class="tick x"'));
  }
  for (const t of y.ticks) {
    const py = y.map(t.value);
    if (py < top - 0.5 || py > bottom + 0.5) continue;
    parts.push(`<line x1="${coord(left - 5)}" y1="${coord(py)}" x2="${coord(left)}" y2="${coord(py)}"/>`);
    if (grid) gridLines.push(`<line x1="${coord(left)}" y1="${coord(py)}" x2="${coord(right)}" y2="${coord(py)}"/>`);
    labels.push(text(left - 8, py + 4, t.label, 'text-anchor="end" class="tick y"'));
  }
  parts.push(`<rect x="${coord(left)}" y="${coord(top)}" width="${coord(width)}" height="${coord(height)}"/>`);
  parts.push('</g>');
  const out: string[] = [];
  if (grid) out.push(`<g class="grid" stroke="#e4e4e4" stroke-width="1">`, ...gridLines, '</g>');
  out.push(...parts);
  out.push('<g class="tick-labels" fill="#333">', ...labels, '</g>');
  out.push(text(left + width / 2, bottom + 40, xLabel, 'text-anchor="middle" font-size="13" class="axis-label x"'));
  // the y title sits clear of the widest tick label
  const widest = Math.max(0, ...y.ticks.map((t) => textWidth(t.label)));
  const yx = left - 8 - widest - 12, yy = top + height / 2;
  out.push(text(yx, yy, yLabel, `text-anchor="middle" font-size="13" class="axis-label y" transform="rotate(-90 ${coord(yx)} ${coord(yy)})"`));
  return out.join('\n');
}
