// An XML Schema read as the JSON shape Intuit serialises it to: element and attribute names as keys, repeated elements as arrays, simple types checked (dates, numbers, enumerations).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

type Node = Record<string, unknown>;
const ATTR = '@_';

/** One key of a JSON object: the element or attribute it comes from. */
interface Field {
  type?: string;
  /** An element's anonymous complex type. */
  inline?: Node;
  /** An element's anonymous simple type. */
  inlineSimple?: Node;
  many: boolean;
}

/** What the checker knows of a complex type: its keys, and whether `xs:any` opens it to others. */
interface Shape {
  fields: Map<string, Field>;
  open: boolean;
}

/** XSD built-in types by the JSON value Intuit writes for them. */
const BUILTIN: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  decimal: (v) => typeof v === 'number',
  double: (v) => typeof v === 'number',
  float: (v) => typeof v === 'number',
  integer: (v) => Number.isInteger(v),
  // Dates are the calendar date alone; instants carry their offset (Intuit writes "2026-05-05T03:13:29-07:00").
  date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
  dateTime: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v),
  time: (v) => typeof v === 'string' && /^\d{2}:\d{2}:\d{2}/.test(v),
};
for (const s of ['normalizedString', 'token', 'ID', 'IDREF', 'anyURI', 'base64Binary', 'language', 'NMTOKEN', 'QName', 'duration', 'gYear', 'hexBinary']) BUILTIN[s] = BUILTIN['string']!;
for (const i of ['int', 'long', 'short', 'byte', 'positiveInteger', 'nonNegativeInteger', 'negativeInteger', 'nonPositiveInteger', 'unsignedInt', 'unsignedLong', 'unsignedShort', 'unsignedByte']) BUILTIN[i] = BUILTIN['integer']!;

const list = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : v === undefined ? [] : [v as Node]);
const local = (qname: string) => qname.replace(/^.*:/, '');
const isMany = (n: Node) => {
  const max = n[`${ATTR}maxOccurs`];
  return max === 'unbounded' || (typeof max === 'string' && Number(max) > 1);
};

export class XsdShapes {
  private readonly complex = new Map<string, Node>();
  private readonly simple = new Map<string, Node>();
  private readonly elements = new Map<string, Node>();
  private readonly groups = new Map<string, Node>();
  private readonly shapes = new Map<string, Shape>();

  /** Reads `file` and every schema it includes, from the same folder. */
  constructor(file: string) {
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: ATTR, removeNSPrefix: true, isArray: (_name, _path, _leaf, isAttribute) => !isAttribute });
    const seen = new Set<string>();
    const load = (path: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      const schema = list((parser.parse(readFileSync(path, 'utf8')) as Node)['schema'])[0] as Node;
      for (const inc of list(schema['include'])) load(join(dirname(path), String(inc[`${ATTR}schemaLocation`])));
      for (const [kind, map] of [['complexType', this.complex], ['simpleType', this.simple], ['element', this.elements], ['group', this.groups]] as const) {
        for (const n of list(schema[kind])) map.set(String(n[`${ATTR}name`]), n);
      }
    };
    load(file);
  }

  /** Names of the elements that may stand for `head` (its substitution group, transitively). */
  substitutes(head: string): string[] {
    const out: string[] = [];
    for (const [name, el] of this.elements) {
      const group = el[`${ATTR}substitutionGroup`];
      if (typeof group === 'string' && local(group) === head) out.push(name, ...this.substitutes(name));
    }
    return out;
  }

  /** The type of a top-level element. */
  elementType(name: string): string {
    const el = this.elements.get(name);
    if (!el) throw new Error(`no element ${name} in the schema`);
    return local(String(el[`${ATTR}type`]));
  }

  /** Errors of `value` read as JSON of the named type (complex or simple); `path` prefixes each message. */
  check(value: unknown, type: string, path = ''): string[] {
    return this.checkField(value, { type, many: false }, path);
  }

  private checkField(value: unknown, field: Field, path: string): string[] {
    if (field.many) {
      if (!Array.isArray(value)) return [`${path}: expected an array (a repeated element)`];
      return value.flatMap((v, i) => this.checkOne(v, field, `${path}[${i}]`));
    }
    if (Array.isArray(value)) return [`${path}: an array where the schema has one element`];
    return this.checkOne(value, field, path);
  }

  private checkOne(value: unknown, field: Field, path: string): string[] {
    if (field.inline) return this.checkComplex(value, this.shapeOf(field.inline), path);
    if (field.inlineSimple) return this.checkSimple(value, field.inlineSimple, path, 'its inline type');
    const type = field.type ?? 'string';
    if (BUILTIN[type]) return BUILTIN[type](value) ? [] : [`${path}: ${JSON.stringify(value)} is not xs:${type}`];
    if (this.simple.has(type)) return this.checkSimple(value, this.simple.get(type)!, path, type);
    if (this.complex.has(type)) return this.checkComplex(value, this.shape(type), path);
    return [`${path}: unknown type ${type}`];
  }

  private checkSimple(value: unknown, node: Node, path: string, name: string): string[] {
    const restriction = list(node['restriction'])[0];
    if (!restriction) return typeof value === 'string' ? [] : [`${path}: ${JSON.stringify(value)} is not a ${name}`];
    const enums = list(restriction['enumeration']).map((e) => String(e[`${ATTR}value`]));
    if (enums.length) return enums.includes(value as string) ? [] : [`${path}: ${JSON.stringify(value)} is not one of ${name} (${enums.join(', ')})`];
    return this.checkOne(value, { type: local(String(restriction[`${ATTR}base`])), many: false }, path);
  }

  private checkComplex(value: unknown, shape: Shape, path: string): string[] {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object`];
    const errors: string[] = [];
    for (const [key, v] of Object.entries(value as Node)) {
      const field = shape.fields.get(key);
      if (!field) {
        if (!shape.open) errors.push(`${path}.${key}: not in the schema`);
        continue;
      }
      errors.push(...this.checkField(v, field, `${path}.${key}`));
    }
    return errors;
  }

  private shape(type: string): Shape {
    let s = this.shapes.get(type);
    if (!s) {
      // Placed before it is filled, so a type that contains itself (Line in Line) ends the recursion.
      s = { fields: new Map(), open: false };
      this.shapes.set(type, s);
      const filled = this.shapeOf(this.complex.get(type)!);
      for (const [k, f] of filled.fields) s.fields.set(k, f);
      s.open = filled.open;
    }
    return s;
  }

  private shapeOf(node: Node): Shape {
    const shape: Shape = { fields: new Map(), open: false };
    const take = (other: Shape) => {
      for (const [k, f] of other.fields) shape.fields.set(k, f);
      shape.open ||= other.open;
    };
    for (const cc of list(node['complexContent'])) {
      for (const ext of [...list(cc['extension']), ...list(cc['restriction'])]) {
        const base = local(String(ext[`${ATTR}base`]));
        if (this.complex.has(base) && list(cc['extension']).includes(ext)) take(this.shape(base));
        this.particles(ext, false, shape);
      }
    }
    for (const sc of list(node['simpleContent'])) {
      for (const ext of list(sc['extension'])) {
        // Intuit writes an element's text as "value" beside its attributes: {"value": "42", "name": "Acme"}.
        shape.fields.set('value', { type: local(String(ext[`${ATTR}base`])), many: false });
        this.particles(ext, false, shape);
      }
    }
    this.particles(node, false, shape);
    return shape;
  }

  /** Adds the elements and attributes of a content model; `many` when an enclosing particle repeats. */
  private particles(node: Node, many: boolean, shape: Shape): void {
    for (const kind of ['sequence', 'choice', 'all'] as const) {
      for (const p of list(node[kind])) this.particles(p, many || isMany(p), shape);
    }
    for (const g of list(node['group'])) {
      const ref = g[`${ATTR}ref`];
      if (typeof ref === 'string') this.particles(this.groups.get(local(ref))!, many || isMany(g), shape);
    }
    if (list(node['any']).length) shape.open = true;
    for (const el of list(node['element'])) {
      const rep = many || isMany(el);
      const ref = el[`${ATTR}ref`];
      if (typeof ref === 'string') {
        const name = local(ref);
        const head = this.elements.get(name)!;
        const names = head[`${ATTR}abstract`] === 'true' ? this.substitutes(name) : [name];
        for (const n of names) shape.fields.set(n, { type: this.elementType(n), many: rep });
        continue;
      }
      const name = String(el[`${ATTR}name`]);
      const inline = list(el['complexType'])[0];
      const simple = list(el['simpleType'])[0];
      if (inline) shape.fields.set(name, { inline, many: rep });
      else if (simple) shape.fields.set(name, { inlineSimple: simple, many: rep });
      else shape.fields.set(name, { type: local(String(el[`${ATTR}type`] ?? 'string')), many: rep });
    }
    for (const a of list(node['attribute'])) shape.fields.set(String(a[`${ATTR}name`]), { type: local(String(a[`${ATTR}type`] ?? 'string')), many: false });
  }
}
