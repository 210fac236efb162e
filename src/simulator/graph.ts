// JSON for object graphs (shared references, cycles, Maps, Sets): how simulators save their state between processes.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Encodes `value`; every object gets an id on first sight and is a {$ref} afterwards. */
export function toGraphJson(value: unknown): Json {
  const ids = new Map<object, number>();
  const enc = (v: unknown): Json => {
    if (v === null || typeof v !== 'object') return v === undefined ? { $undef: true } : (v as Json);
    const seen = ids.get(v);
    if (seen !== undefined) return { $ref: seen };
    const id = ids.size;
    ids.set(v, id);
    if (Array.isArray(v)) return { $id: id, $arr: v.map(enc) };
    if (v instanceof Map) return { $id: id, $map: [...v.entries()].map(([k, x]) => [enc(k), enc(x)]) };
    if (v instanceof Set) return { $id: id, $set: [...v].map(enc) };
    return { $id: id, $obj: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)])) };
  };
  return enc(value);
}

/** Decodes what toGraphJson produced, restoring identity and cycles. */
export function fromGraphJson<T>(json: unknown): T {
  const byId = new Map<number, unknown>();
  const dec = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if ('$undef' in o) return undefined;
    if ('$ref' in o) return byId.get(o['$ref'] as number);
    const id = o['$id'] as number;
    if ('$arr' in o) {
      const arr: unknown[] = [];
      byId.set(id, arr);
      for (const x of o['$arr'] as unknown[]) arr.push(dec(x));
      return arr;
    }
    if ('$map' in o) {
      const map = new Map();
      byId.set(id, map);
      for (const [k, x] of o['$map'] as [unknown, unknown][]) map.set(dec(k), dec(x));
      return map;
    }
    if ('$set' in o) {
      const set = new Set();
      byId.set(id, set);
      for (const x of o['$set'] as unknown[]) set.add(dec(x));
      return set;
    }
    const obj: Record<string, unknown> = {};
    byId.set(id, obj);
    for (const [k, x] of Object.entries(o['$obj'] as Record<string, unknown>)) obj[k] = dec(x);
    return obj;
  };
  return dec(json) as T;
}
