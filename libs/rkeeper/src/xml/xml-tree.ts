import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text?: string;
}

export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const ATTRS_KEY = ':@';
const TEXT_KEY = '#text';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  suppressEmptyNode: true,
  format: false,
  processEntities: true,
});

export function element(
  name: string,
  attrs: Record<string, string | number | boolean | undefined> = {},
  children: XmlElement[] = [],
): XmlElement {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    clean[key] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  }
  return { name, attrs: clean, children };
}

/** Parses one XML document into its root element. DOCTYPE is refused: r_keeper never sends one and entity expansion is an attack surface. */
export function parseXml(text: string): XmlElement {
  if (/<!DOCTYPE/i.test(text)) throw new XmlSyntaxError('DOCTYPE is not allowed');
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    throw new XmlSyntaxError(
      `${validation.err.msg} (line ${validation.err.line}, col ${validation.err.col})`,
    );
  }
  const nodes: unknown = parser.parse(text);
  const roots = Array.isArray(nodes)
    ? nodes.map(toElement).filter((e): e is XmlElement => e !== undefined)
    : [];
  if (roots.length !== 1) throw new XmlSyntaxError(`Expected one root element, found ${roots.length}`);
  return roots[0];
}

export function buildXml(root: XmlElement, encoding: string): string {
  return `<?xml version="1.0" encoding="${encoding}"?>\n${builder.build([fromElement(root)])}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toElement(node: unknown): XmlElement | undefined {
  if (!isRecord(node)) return undefined;
  const name = Object.keys(node).find((key) => key !== ATTRS_KEY && key !== TEXT_KEY);
  if (name === undefined) return undefined;
  const attrs: Record<string, string> = {};
  const rawAttrs = node[ATTRS_KEY];
  if (isRecord(rawAttrs)) {
    for (const [key, value] of Object.entries(rawAttrs)) attrs[key] = value === true ? '' : String(value);
  }
  const children: XmlElement[] = [];
  const texts: string[] = [];
  const content = node[name];
  if (Array.isArray(content)) {
    for (const child of content) {
      if (isRecord(child) && TEXT_KEY in child && Object.keys(child).length === 1) {
        texts.push(String(child[TEXT_KEY]));
        continue;
      }
      const converted = toElement(child);
      if (converted) children.push(converted);
    }
  }
  return texts.length > 0 ? { name, attrs, children, text: texts.join('') } : { name, attrs, children };
}

function fromElement(el: XmlElement): Record<string, unknown> {
  const content: Record<string, unknown>[] = el.children.map(fromElement);
  if (el.text !== undefined) content.unshift({ [TEXT_KEY]: el.text });
  const node: Record<string, unknown> = { [el.name]: content };
  if (Object.keys(el.attrs).length > 0) node[ATTRS_KEY] = { ...el.attrs };
  return node;
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  const lower = name.toLowerCase();
  return el.children.filter((c) => c.name.toLowerCase() === lower);
}

export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  const lower = name.toLowerCase();
  return el.children.find((c) => c.name.toLowerCase() === lower);
}

export function* walk(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const child of el.children) yield* walk(child);
}

/** Attribute lookup that tolerates the vendor's inconsistent casing (`ident` vs `orderIdent`, `GuestLabel` vs `guestLabel`). */
export function attr(el: XmlElement, name: string): string | undefined {
  const exact = el.attrs[name];
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(el.attrs)) if (key.toLowerCase() === lower) return value;
  return undefined;
}
