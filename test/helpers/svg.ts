/**
 * A small XML well-formedness check for the SVGs rnnkit writes, so tests need no parser.
 */

/** An element of an SVG document: its name, attributes (entities decoded), and ancestors. */
export interface SvgElement {
  name: string;
  attrs: Record<string, string>;
  /** Decoded text directly inside the element. */
  text: string;
  /** Names of the ancestors, outermost first. */
  path: string[];
}

const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
const decodeEntities = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] as string);

function checkXmlText(s: string, where: string): void {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '<' || s[i] === '>') throw new Error(`raw "${s[i]}" in ${where}`);
    if (s[i] === '&' && !ENTITY.test(s.slice(i))) throw new Error(`bare "&" in ${where}`);
  }
}

/**
 * Parses an SVG document and returns its elements in document order; throws unless it is
 * well-formed XML with one <svg> root: tags close in order, attributes are quoted and unique,
 * `&` starts an entity, no raw `<` or `>` in text. (No comments, CDATA or DOCTYPE expected.)
 */
export function parseSvg(svg: string): SvgElement[] {
  const elements: SvgElement[] = [], stack: SvgElement[] = [];
  let i = svg.indexOf('<'), closed = false;
  if (i < 0 || svg.slice(0, i).trim() !== '') throw new Error('text before the root element');
  while (i < svg.length) {
    const lt = svg.indexOf('<', i);
    const between = lt < 0 ? svg.slice(i) : svg.slice(i, lt);
    if (between.trim()) {
      if (!stack.length) throw new Error('text outside the root element');
      checkXmlText(between, `<${stack[stack.length - 1].name}>`);
      stack[stack.length - 1].text += decodeEntities(between);
    }
    if (lt < 0) break;
    const gt = svg.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = svg.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1).trim()) throw new Error(`<${tag}> closes <${open?.name ?? 'nothing'}>`);
      if (!stack.length) closed = true;
      continue;
    }
    if (closed) throw new Error('an element after the root closed');
    const self = tag.endsWith('/');
    const body = self ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z][\w:.-]*)/.exec(body);
    if (!m) throw new Error(`bad tag <${tag.slice(0, 30)}>`);
    const attrs: Record<string, string> = {};
    let rest = body.slice(m[1].length);
    const attr = /^\s+([A-Za-z_:][\w:.-]*)="([^"]*)"/;
    for (let a = attr.exec(rest); a; a = attr.exec(rest)) {
      if (a[1] in attrs) throw new Error(`<${m[1]}> repeats ${a[1]}`);
      checkXmlText(a[2], `${m[1]}@${a[1]}`);
      attrs[a[1]] = decodeEntities(a[2]);
      rest = rest.slice(a[0].length);
    }
    if (rest.trim()) throw new Error(`<${m[1]}> has a malformed attribute`);
    const el: SvgElement = { name: m[1], attrs, text: '', path: stack.map((e) => e.name) };
    elements.push(el);
    if (!self) stack.push(el);
    else if (!stack.length) closed = true;
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1].name}> is never closed`);
  if (!elements.length || elements[0].name !== 'svg') throw new Error('the root is not <svg>');
  return elements;
}

/** The [x, y] pairs of a <polyline>'s points attribute. */
export function polylinePoints(el: SvgElement): [number, number][] {
  const raw = (el.attrs.points ?? '').trim();
  return raw ? raw.split(/\s+/).map((p) => p.split(',').map(Number) as [number, number]) : [];
}
