/**
 * The pieces every rnnkit plot shares: escaping, compact number formatting, and the fonts and
 * colours the charts use. Plots are pure string builders: no DOM, no I/O, no dependency.
 */

/** Escapes text for SVG/XML character data and attribute values: & < > " '. */
export function escapeXml(text: string): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A coordinate with at most two decimals and no trailing zeros (keeps files small). */
export function coord(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

/**
 * 10 to an integer power as readers write it: 0.01, 0.1, 1, 10, 100, 1000, else (or when
 * `power` is set, so that one axis reads one way) 10⁻⁵, 10⁰, 10⁶.
 */
export function formatPower(exponent: number, power = false): string {
  if (!power && exponent >= -2 && exponent <= 3) return String(Number(`1e${exponent}`));
  return '10' + String(exponent).split('').map((ch) => SUPERSCRIPT[ch]).join('');
}

/** A tick label: at most 4 significant digits, exponent notation outside [1e-3, 1e5). */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(2).split('e');
    return `${String(Number(m))}e${Number(e)}`;
  }
  return String(Number(v.toPrecision(4)));
}

/** Colour-blind-safe categorical colours (Okabe & Ito 2008), darkest first. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

export const FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

/** The opening of a standalone SVG document with a white background and a <title>. */
export function svgOpen(width: number, height: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">\n`
    + `<title>${escapeXml(title)}</title>\n`
    + `<rect width="${width}" height="${height}" fill="#ffffff"/>\n`;
}

/** A text element; `extra` holds further attributes (already escaped). */
export function text(x: number, y: number, content: string, extra = ''): string {
  return `<text x="${coord(x)}" y="${coord(y)}"${extra ? ' ' + extra : ''}>${escapeXml(content)}</text>`;
}

/** Rough width of a label in px at a font size (DejaVu Sans averages ~0.6 em per glyph). */
export function textWidth(content: string, fontSize = 12): number {
  return [...content].length * fontSize * 0.6;
}
