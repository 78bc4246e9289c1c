/**
 * The SVG plots: well-formed XML (checked by test/helpers/svg.ts), series found by their data-series attribute with every drawable point, axis titles
 * and ticks, escaped text, log axes, and heatmap cells and colorbar.
 */
import { expect } from 'chai';
import { linearTicks, logTicks, makeScale } from '../../lib/cli/plots/axis.js';
import { viridis } from '../../lib/cli/plots/colormap.js';
import { heatmap } from '../../lib/cli/plots/heatmap.js';
import { lineChart } from '../../lib/cli/plots/line-chart.js';
import { escapeXml, formatPower } from '../../lib/cli/plots/svg.js';
import { type SvgElement as Element, parseSvg, polylinePoints } from '../helpers/svg.js';

/** The elements of `svg` carrying class `cls` (space-separated classes). */
function byClass(els: Element[], cls: string): Element[] {
  return els.filter((e) => (e.attrs.class ?? '').split(/\s+/).includes(cls));
}

/** The polylines drawn for series `name`. */
function seriesLines(els: Element[], name: string): Element[][] {
  const groups = els.filter((e) => e.attrs.class === 'series' && e.attrs['data-series'] === name);
  const idx = groups.map((g) => els.indexOf(g));
  return idx.map((i) => {
    const depth = els[i].path.length + 1;
    const lines: Element[] = [];
    for (let j = i + 1; j < els.length && els[j].path.length >= depth; j++) if (els[j].name === 'polyline') lines.push(els[j]);
    return lines;
  });
}

describe('cli/plots', () => {
  describe('parseSvg (the test\'s own checker)', () => {
    it('accepts well-formed documents and rejects broken ones', () => {
      expect(parseSvg('<svg a="1"><g><text>a &amp; b</text></g></svg>')[2].text).to.equal('a & b');
      for (const bad of ['<svg><g></svg>', '<svg><text>a < b</text></svg>', '<svg><text>a & b</text></svg>',
        '<svg a=1></svg>', '<svg a="1" a="2"></svg>', '<svg></svg><svg></svg>', '<g></g>', '<svg>']) {
        expect(() => parseSvg(bad), bad).to.throw();
      }
    });
  });

  describe('escapeXml', () => {
    it('escapes the five XML specials and nothing else', () => {
      expect(escapeXml(`a<b>&"c'd ‖∂L/∂a⟨t⟩‖`)).to.equal('a&lt;b&gt;&amp;&quot;c&apos;d ‖∂L/∂a⟨t⟩‖');
    });
  });

  describe('ticks', () => {
    it('linear ticks are nice multiples inside the range', () => {
      expect(linearTicks(0, 1500).map((t) => t.value)).to.deep.equal([0, 500, 1000, 1500]);
      expect(linearTicks(-0.5, 49.5).map((t) => t.label)).to.deep.equal(['0', '10', '20', '30', '40']);
      expect(linearTicks(0, 0.3).map((t) => t.label)).to.deep.equal(['0', '0.05', '0.1', '0.15', '0.2', '0.25', '0.3']);
    });
    it('log ticks are powers of ten, thinned over many decades, with 2 and 5 over few', () => {
      expect(logTicks(1e-4, 10).map((t) => t.label)).to.deep.equal(['10⁻⁴', '10⁻³', '10⁻²', '10⁻¹', '10⁰', '10¹']);
      expect(logTicks(0.01, 10).map((t) => t.label)).to.deep.equal(['0.01', '0.1', '1', '10']);
      expect(logTicks(1e-12, 1).length).to.be.at.most(7);
      expect(logTicks(0.03, 0.6).map((t) => t.value)).to.deep.equal([0.05, 0.1, 0.2, 0.5]);
      expect(formatPower(-5)).to.equal('10⁻⁵');
      expect(formatPower(2)).to.equal('100');
    });
    it('a log scale maps decades to equal distances and widens to whole decades', () => {
      const s = makeScale(0.002, 0.3, [400, 0], true, true);
      expect(s.domain).to.deep.equal([0.001, 1]);
      expect(s.map(0.001)).to.equal(400);
      expect(s.map(0.01)).to.be.closeTo(400 - 400 / 3, 1e-9);
      expect(s.map(1)).to.be.closeTo(0, 1e-9);
    });
  });

  describe('lineChart', () => {
    const series = [
      { name: 'rnn_tanh', points: Array.from({ length: 20 }, (_, i) => [i + 1, 1 / (i + 1)] as [number, number]) },
      { name: 'gru', points: Array.from({ length: 7 }, (_, i) => [3 * i, 0.5 + i] as [number, number]) },
      { name: 'baseline', points: [[0, 0.2], [20, 0.2]] as [number, number][], dashed: true },
    ];

    it('is well-formed and draws every series with all its points', () => {
      const svg = lineChart({ title: 'Loss', xLabel: 'training step', yLabel: 'MSE', series });
      const els = parseSvg(svg);
      expect(els[0].attrs.xmlns).to.equal('http://www.w3.org/2000/svg');
      for (const s of series) {
        const groups = seriesLines(els, s.name);
        expect(groups, s.name).to.have.length(1);
        expect(groups[0].flatMap(polylinePoints), s.name).to.have.length(s.points.length);
        // and a legend entry naming it
        const entry = els.filter((e) => e.attrs.class === 'legend-entry' && e.attrs['data-series'] === s.name);
        expect(entry, s.name).to.have.length(1);
      }
      expect(els.filter((e) => e.name === 'text').map((e) => e.text)).to.include.members(['rnn_tanh', 'gru', 'baseline']);
      const dashed = els.find((e) => e.attrs['data-series'] === 'baseline' && e.attrs.class === 'series') as Element;
      expect(dashed.attrs['stroke-dasharray']).to.be.a('string');
    });

    it('labels both axes and puts ticks on them', () => {
      const els = parseSvg(lineChart({ title: 'Loss', xLabel: 'training step', yLabel: 'MSE (log)', series, logY: true }));
      expect(byClass(els, 'axis-label').map((e) => e.text)).to.deep.equal(['training step', 'MSE (log)']);
      expect(byClass(els, 'title').map((e) => e.text)).to.deep.equal(['Loss']);
      const yTicks = els.filter((e) => (e.attrs.class ?? '').startsWith('tick y')).map((e) => e.text);
      expect(yTicks).to.deep.equal(['0.01', '0.1', '1', '10']);
      expect(els.filter((e) => (e.attrs.class ?? '').startsWith('tick x')).length).to.be.at.least(3);
    });

    it('keeps every point inside the plot frame', () => {
      const els = parseSvg(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series, logY: true }));
      const frame = els.find((e) => e.name === 'rect' && e.path.includes('g') && e.attrs.fill === undefined) as Element;
      const [fx, fy, fw, fh] = ['x', 'y', 'width', 'height'].map((k) => Number(frame.attrs[k]));
      for (const s of series) {
        for (const [px, py] of seriesLines(els, s.name)[0].flatMap(polylinePoints)) {
          expect(px).to.be.within(fx - 0.01, fx + fw + 0.01);
          expect(py).to.be.within(fy - 0.01, fy + fh + 0.01);
        }
      }
    });

    it('escapes <&> and quotes in the title, labels and series names', () => {
      const evil = `a <b> & "c" 'd'`;
      const svg = lineChart({ title: evil, xLabel: `x<${evil}`, yLabel: `y&${evil}`, series: [{ name: evil, points: [[0, 1], [1, 2]] }] });
      expect(svg).not.to.contain('<b>');
      const els = parseSvg(svg);
      expect(els.find((e) => e.name === 'title')?.text).to.equal(evil);
      expect(byClass(els, 'title')[0].text).to.equal(evil);
      expect(byClass(els, 'axis-label').map((e) => e.text)).to.deep.equal([`x<${evil}`, `y&${evil}`]);
      expect(seriesLines(els, evil)).to.have.length(1);
    });

    it('breaks lines at non-finite points and, on a log axis, at y ≤ 0', () => {
      const pts: [number, number][] = [[0, 1], [1, 2], [2, NaN], [3, 4], [4, 0], [5, 3], [6, 2]];
      const lin = seriesLines(parseSvg(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: pts }] })), 's')[0];
      expect(lin.map((l) => polylinePoints(l).length)).to.deep.equal([2, 4]);
      const log = seriesLines(parseSvg(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', logY: true, series: [{ name: 's', points: pts }] })), 's')[0];
      expect(log.map((l) => polylinePoints(l).length)).to.deep.equal([2, 1, 2]);
    });

    it('draws an empty chart without failing', () => {
      const els = parseSvg(lineChart({ title: 'nothing', xLabel: 'x', yLabel: 'y', series: [] }));
      expect(els.filter((e) => e.attrs.class === 'series')).to.have.length(0);
      parseSvg(lineChart({ title: 'flat', xLabel: 'x', yLabel: 'y', logY: true, series: [{ name: 'c', points: [[1, 5], [2, 5]] }] }));
    });
  });

  describe('heatmap', () => {
    const rows = 12, cols = 30;
    const values = Float64Array.from({ length: rows * cols }, (_, i) => Math.pow(10, -6 + (6 * Math.floor(i / cols)) / (rows - 1)) * (1 + (i % cols) / cols));

    /** The cells drawn, per fill colour: each path is a list of `M c r h w v 1 h −w z` runs. */
    function cells(els: Element[]): Map<string, number> {
      const area = new Map<string, number>();
      for (const p of els.filter((e) => e.name === 'path' && e.attrs.class === undefined)) {
        const runs = [...(p.attrs.d ?? '').matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)];
        expect(runs.map((m) => m[0]).join('')).to.equal(p.attrs.d);
        for (const m of runs) expect(m[3]).to.equal(m[4]);
        area.set(p.attrs.fill, (area.get(p.attrs.fill) ?? 0) + runs.reduce((s, m) => s + Number(m[3]), 0));
      }
      return area;
    }

    it('is well-formed, covers every cell once, and has a log colorbar', () => {
      const svg = heatmap({ title: 'norms', xLabel: 'training step', yLabel: 'time step t', rows, cols, values, colorScale: 'log', colorLabel: '‖∂L/∂a⟨t⟩‖' });
      const els = parseSvg(svg);
      const g = els.find((e) => e.attrs.class === 'cells') as Element;
      expect([g.attrs['data-rows'], g.attrs['data-cols']]).to.deep.equal([String(rows), String(cols)]);
      const area = cells(els);
      expect([...area.values()].reduce((a, b) => a + b, 0)).to.equal(rows * cols);
      // the lowest and highest values take the colormap's ends
      expect(area.has(viridis(0.5 / 64))).to.equal(true);
      expect(area.has(viridis(63.5 / 64))).to.equal(true);
      expect(els.some((e) => (e.attrs.class ?? '').startsWith('extend'))).to.equal(false);
      const bar = els.find((e) => e.attrs.class === 'colorbar') as Element;
      expect(bar.attrs['data-scale']).to.equal('log');
      const cTicks = els.filter((e) => (e.attrs.class ?? '').startsWith('tick c')).map((e) => e.text);
      expect(cTicks).to.include.members(['10⁻⁵', '10⁻⁴', '10⁻³']);
      expect(byClass(els, 'axis-label').map((e) => e.text)).to.deep.equal(['training step', 'time step t', '‖∂L/∂a⟨t⟩‖']);
    });

    it('clamps to a given domain, greys out missing values, and escapes text', () => {
      const v = Float64Array.from(values);
      v[0] = NaN; v[1] = 0; v[2] = -1;
      const evil = 'a<b & c>d';
      const els = parseSvg(heatmap({ title: evil, xLabel: evil, yLabel: 'y', rows, cols, values: v, colorScale: 'log', colorLabel: evil, domain: [1e-3, 1e-2] }));
      const area = cells(els);
      // NaN and −1 have no colour; 0 is log −∞, below the domain
      expect(area.get('#c8c8c8')).to.equal(2);
      // values on both sides of the domain: pointed ends on the colorbar
      expect(els.filter((e) => e.attrs.class === 'extend-below' || e.attrs.class === 'extend-above')).to.have.length(2);
      expect(els.some((e) => e.name === 'text' && e.text === 'no data')).to.equal(true);
      expect(byClass(els, 'title')[0].text).to.equal(evil);
      // everything below 1e-3 (rows 0…4 entirely) takes the bottom colour
      expect(area.get(viridis(0.5 / 64))).to.be.at.least(cols * 5 - 2);
    });

    it('a linear scale and merged runs of equal colour', () => {
      const flat = new Float64Array(rows * cols).fill(2);
      const els = parseSvg(heatmap({ title: 't', xLabel: 'x', yLabel: 'y', rows, cols, values: flat }));
      const paths = els.filter((e) => e.name === 'path');
      expect(paths).to.have.length(1);
      expect([...(paths[0].attrs.d ?? '').matchAll(/M/g)]).to.have.length(rows);
      expect(cells(els).get(paths[0].attrs.fill)).to.equal(rows * cols);
    });

    it('on a log scale without a domain, zeros take the bottom colour and point the colorbar down', () => {
      const v = Float64Array.from(values);
      v[5] = 0;
      const els = parseSvg(heatmap({ title: 't', xLabel: 'x', yLabel: 'y', rows, cols, values: v, colorScale: 'log' }));
      expect(els.some((e) => e.attrs.class === 'extend-below')).to.equal(true);
      expect(els.some((e) => e.attrs.class === 'extend-above')).to.equal(false);
      expect(els.some((e) => e.name === 'text' && e.text === 'no data')).to.equal(false);
      expect(cells(els).has('#c8c8c8')).to.equal(false);
    });

    it('category names as ticks: one per cell at its centre (rows from the bottom), long names cut, counts checked', () => {
      const labels = ['female', 'male', 'a-very-long-label'];
      const svg = heatmap({ title: 't', xLabel: 'predicted label', yLabel: 'gold label', rows: 3, cols: 3, values: [5, 1, 0, 2, 7, 1, 0, 0, 3], xCategories: labels, yCategories: labels });
      const els = parseSvg(svg);
      const ticks = (axis: string) => els.filter((e) => e.attrs.class === `tick ${axis}`);
      expect(ticks('x').map((e) => e.text)).to.deep.equal(['female', 'male', 'a-very-lo…']);
      expect(ticks('y').map((e) => e.text)).to.deep.equal(['female', 'male', 'a-very-lo…']);
      const xs = ticks('x').map((e) => Number(e.attrs.x)), ys = ticks('y').map((e) => Number(e.attrs.y));
      expect(xs[1] - xs[0]).to.be.closeTo(xs[2] - xs[1], 0.01);
      expect(ys[0]).to.be.greaterThan(ys[1]); // row 0 is drawn at the bottom
      expect(() => heatmap({ title: 't', xLabel: 'x', yLabel: 'y', rows: 1, cols: 2, values: [1, 2], xCategories: ['one'] })).to.throw(RangeError, /heatmap: xCategories has 1 names but there are 2 cells along that axis/);
      const many = Array.from({ length: 41 }, (_, i) => `c${i}`);
      const numeric = parseSvg(heatmap({ title: 't', xLabel: 'x', yLabel: 'y', rows: 1, cols: 41, values: new Float64Array(41), xCategories: many }));
      expect(numeric.filter((e) => e.attrs.class === 'tick x').map((e) => e.text)).to.not.include('c0');
    });

    it('rejects values that do not match rows × cols', () => {
      expect(() => heatmap({ title: 't', xLabel: 'x', yLabel: 'y', rows: 2, cols: 3, values: [1, 2, 3] })).to.throw(RangeError, /values has 3 entries but 2 × 3 needs 6/);
      expect(() => heatmap({ title: 't', xLabel: 'x', yLabel: 'y', rows: 0, cols: 3, values: [] })).to.throw(RangeError);
    });
  });
});
