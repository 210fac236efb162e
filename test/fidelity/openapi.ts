// An OpenAPI 3.0 description as a test oracle: which operation a request is, which query parameters it declares, and ajv over its response schemas.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = (formats as unknown as { default: typeof formats.default }).default;
import { parse } from 'yaml';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export interface Operation {
  /** The path as the description writes it ("/Invoices/{InvoiceID}"). */
  template: string;
  method: string;
  op: Obj;
}

export interface OpenApiOptions {
  /**
   * Objects accept only the properties their schema names (the descriptions leave `additionalProperties` open, so a
   * misspelt or invented field would pass unseen otherwise).
   */
  closedObjects?: boolean;
  /** Vendor keywords the description uses, checked as ajv keywords (e.g. Xero's `x-is-msdate`). */
  keywords?: Record<string, (data: unknown) => boolean>;
  /** Formats read as the provider writes them, where its own examples break the standard one. */
  formats?: Record<string, RegExp>;
}

export class OpenApi {
  readonly doc: Obj;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(file: string, options: OpenApiOptions = {}) {
    this.doc = parse(readFileSync(file, 'utf8')) as Obj;
    if (options.closedObjects) closeObjects((this.doc['components'] as Obj)['schemas'] as Obj);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // OpenAPI's own number formats, as the descriptions use them.
    this.ajv.addFormat('double', { type: 'number', validate: () => true });
    for (const [name, re] of Object.entries(options.formats ?? {})) this.ajv.addFormat(name, re);
    for (const [keyword, ok] of Object.entries(options.keywords ?? {})) {
      this.ajv.addKeyword({ keyword, schemaType: 'boolean', validate: (on: boolean, data: unknown) => !on || ok(data), errors: false });
    }
    this.ajv.addSchema(this.doc, 'spec');
  }

  get paths(): Obj {
    return this.doc['paths'] as Obj;
  }

  /** The operation `method path` is, matching literal segments case-insensitively (as Xero and QuickBooks do). */
  operation(method: string, path: string): Operation | undefined {
    const segs = path.split('/').filter(Boolean);
    const m = method.toLowerCase();
    const candidates = Object.keys(this.paths).filter((t) => {
      const ts = t.split('/').filter(Boolean);
      return ts.length === segs.length && ts.every((s, i) => /^\{.+\}$/.test(s) || s.toLowerCase() === (segs[i] as string).toLowerCase()) && isObj((this.paths[t] as Obj)[m]);
    });
    // A literal segment beats a parameter; between parameters, one whose declared format the value has wins
    // (/Contacts/{ContactID}, a uuid, over /Contacts/{ContactNumber} for the same shape).
    const score = (t: string) =>
      t
        .split('/')
        .filter(Boolean)
        .reduce((n, seg, i) => n + (!seg.startsWith('{') ? 10 : this.fits(t, m, seg.slice(1, -1), segs[i] as string) ? 1 : 0), 0);
    const template = candidates.sort((a, b) => score(b) - score(a))[0];
    return template ? { template, method: m, op: (this.paths[template] as Obj)[m] as Obj } : undefined;
  }

  /** Whether `value` has the format the path parameter `name` of `template` declares (false when it declares none). */
  private fits(template: string, method: string, name: string, value: string): boolean {
    const param = this.parameters({ template, method, op: (this.paths[template] as Obj)[method] as Obj }).find((p) => p.in === 'path' && p.name === name) as { schema?: { format?: string } } | undefined;
    const format = param?.schema?.format;
    return format === 'uuid' ? /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) : false;
  }

  /** Parameters of an operation (its own and its path's), references resolved. */
  parameters(o: Operation): { name: string; in: string }[] {
    const item = this.paths[o.template] as Obj;
    const all = [...((item['parameters'] as unknown[]) ?? []), ...((o.op['parameters'] as unknown[]) ?? [])];
    return all.map((p) => this.deref(p) as { name: string; in: string });
  }

  /** Query parameters in `url` the operation does not declare (names compared as the provider compares them). */
  undeclaredQuery(o: Operation, url: string, caseInsensitive = false): string[] {
    const norm = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
    const declared = new Set(this.parameters(o).filter((p) => p.in === 'query').map((p) => norm(p.name)));
    return [...new Set(new URL(url).searchParams.keys())].filter((k) => !declared.has(norm(k)));
  }

  /** The JSON schema the operation gives for `status`: a schema, 'none' (declared without a body) or undefined (status not declared). */
  responseSchema(o: Operation, status: number): Obj | 'none' | undefined {
    const responses = (o.op['responses'] as Obj) ?? {};
    const r = responses[String(status)] ?? responses['default'];
    if (r === undefined) return undefined;
    const res = this.deref(r) as Obj;
    const content = res['content'] as Obj | undefined;
    const json = content && (Object.entries(content).find(([type]) => type.includes('json'))?.[1] as Obj | undefined);
    return json?.['schema'] ? (json['schema'] as Obj) : 'none';
  }

  /** Validation errors of `data` against a schema of the description (a `$ref` into it, or a schema object holding refs). */
  validate(schema: Obj | string, data: unknown): string[] {
    const ref = typeof schema === 'string' ? schema : isObj(schema) && typeof schema['$ref'] === 'string' && Object.keys(schema).length === 1 ? (schema['$ref'] as string) : undefined;
    const key = ref ?? JSON.stringify(schema);
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(ref ? { $ref: `spec${ref}` } : rebase(schema as Obj));
      this.compiled.set(key, fn);
    }
    return fn(data) ? [] : (fn.errors ?? []).map(message);
  }

  deref(v: unknown): unknown {
    let cur = v;
    while (isObj(cur) && typeof cur['$ref'] === 'string') {
      cur = (cur['$ref'] as string)
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((at, k) => (at as Obj)[k.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
    }
    return cur;
  }
}

function message(e: ErrorObject): string {
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})` : e.keyword === 'enum' ? ` (${JSON.stringify((e.params as { allowedValues: unknown }).allowedValues)})` : '';
  return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
}

/** Local refs of an inline schema, pointed at the description registered as `spec`. */
function rebase(schema: Obj): Obj {
  return JSON.parse(JSON.stringify(schema), (k, v: unknown) => (k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `spec${v}` : v)) as Obj;
}

/** Sets `additionalProperties: false` on every object schema that lists its properties and says nothing of others. */
function closeObjects(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeObjects);
  if (!isObj(node)) return;
  if (isObj(node['properties']) && !('additionalProperties' in node) && !node['allOf'] && !node['oneOf'] && !node['anyOf']) node['additionalProperties'] = false;
  for (const v of Object.values(node)) closeObjects(v);
}
