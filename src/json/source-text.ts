// The text each provider record arrived as, kept beside its parsed value: raw payloads are stored byte for byte as
// received, and a sync no longer serialises every record a second time (JSON.stringify of the raw records was about
// a tenth of a QuickBooks sync's CPU).

/**
 * Where a response's records are: object keys from the top, `*` for every element of an array on the way. The
 * value reached is the array of records, e.g. `['QueryResponse', 'Invoice']` or
 * `['CDCResponse', '*', 'QueryResponse', '*', 'Invoice']`.
 */
export type RecordPath = readonly string[];

const texts = new WeakMap<object, string>();

/**
 * The exact JSON text a parsed record came from, when the HTTP layer read it from a response with a record path.
 * Undefined for anything else (a record built or copied by a connector is serialised as it is).
 */
export function sourceTextOf(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' ? texts.get(value) : undefined;
}

/** Parses a JSON response and remembers the source text of each record at `path` (see sourceTextOf). */
export function parseWithSourceText(text: string, path: RecordPath): unknown {
  const parsed: unknown = JSON.parse(text);
  const found: [object, string][] = [];
  try {
    walk(text, skipSpace(text, 0), parsed, path, 0, found);
  } catch (err) {
    // The text parsed, so this is a shape we did not expect (or a scanner bug): the records are simply
    // serialised again when stored, as they were before source texts.
    if (!(err instanceof ScanMismatch)) throw err;
    return parsed;
  }
  for (const [record, source] of found) texts.set(record, source);
  return parsed;
}

class ScanMismatch extends Error {}

/**
 * A record left as the text it arrived as, to be parsed by the sync engine right before it is mapped (see
 * parseDeferringRecords). Parsed one at a time, a record's object tree dies young; a whole page parsed at once (about
 * 5 MB of objects for 1,000 QuickBooks invoices) outlives V8's young generation and is copied, promoted and marked.
 */
export class RecordText {
  constructor(readonly text: string) {}

  /** The record's value; throws when the text is not JSON (the body was damaged on the way). */
  parse(): unknown {
    return JSON.parse(this.text);
  }
}

/**
 * Parses a JSON response, leaving each element of the records array at `path` as its text (a RecordText). The path
 * names object keys only (no `*`). The rest of the body is parsed as usual. A shape the scanner does not expect, or a
 * body that is not JSON, falls back to parseWithSourceText, which parses everything (and throws on bad JSON).
 */
export function parseDeferringRecords(text: string, path: RecordPath): unknown {
  if (path.length === 0 || path.includes('*')) return parseWithSourceText(text, path);
  let spans: number[];
  let array: [number, number];
  try {
    [array, spans] = recordSpans(text, path);
  } catch (err) {
    if (!(err instanceof ScanMismatch)) throw err;
    return parseWithSourceText(text, path);
  }
  // The body without its records, parsed: a small text.
  const skeleton: unknown = JSON.parse(`${text.slice(0, array[0])}[]${text.slice(array[1])}`);
  let holder = skeleton as Record<string, unknown>;
  for (const key of path.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
  const records: RecordText[] = [];
  for (let k = 0; k < spans.length; k += 2) records.push(new RecordText(text.slice(spans[k], spans[k + 1])));
  holder[path.at(-1)!] = records;
  return skeleton;
}

/**
 * Where the records array at `path` lies in `text` ([start, end) of the array) and each element's [start, end), by a
 * scan that parses nothing. Throws ScanMismatch on anything but objects along the path, an array of objects at its
 * end, and a key met once on the way.
 */
function recordSpans(text: string, path: RecordPath): [[number, number], number[]] {
  const spans: number[] = [];
  let array: [number, number] | null = null;
  /** The object at `i`, at `depth` of the path: returns the index after it. Each byte is scanned once. */
  const level = (i: number, depth: number): number => {
    if (text.charCodeAt(i) !== OPEN_OBJECT) throw new ScanMismatch(`expected an object at ${i}`);
    let matched = false;
    let at = skipSpace(text, i + 1);
    if (text.charCodeAt(at) === CLOSE_OBJECT) throw new ScanMismatch(`no key ${path[depth]}`);
    for (;;) {
      const [name, start] = member(text, at);
      let end: number;
      if (name === path[depth]) {
        // JSON.parse keeps the last of duplicate keys; which text belongs to it is not worth guessing.
        if (matched) throw new ScanMismatch(`duplicate key ${name}`);
        matched = true;
        end = depth + 1 < path.length ? level(start, depth + 1) : records(start);
      } else {
        end = skipValue(text, start);
      }
      const n = next(text, end, CLOSE_OBJECT);
      if (n < 0) {
        if (!matched) throw new ScanMismatch(`no key ${path[depth]}`);
        return skipSpace(text, end) + 1;
      }
      at = n;
    }
  };
  /** The records array at `i`: each element's bounds into `spans`; returns the index after the array. */
  const records = (i: number): number => {
    if (text.charCodeAt(i) !== OPEN_ARRAY) throw new ScanMismatch(`expected an array at ${i}`);
    let at = skipSpace(text, i + 1);
    let end = at + 1;
    if (text.charCodeAt(at) !== CLOSE_ARRAY) {
      for (;;) {
        if (text.charCodeAt(at) !== OPEN_OBJECT) throw new ScanMismatch(`expected a record object at ${at}`);
        const recordEnd = skipValue(text, at);
        spans.push(at, recordEnd);
        const n = next(text, recordEnd, CLOSE_ARRAY);
        if (n < 0) {
          end = skipSpace(text, recordEnd) + 1;
          break;
        }
        at = n;
      }
    }
    array = [i, end];
    return end;
  };
  level(skipSpace(text, 0), 0);
  return [array!, spans];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** `i` is on an opening quote; returns the index after the closing one. */
function skipString(text: string, i: number): number {
  let j = i;
  for (;;) {
    j = text.indexOf('"', j + 1);
    if (j < 0) throw new ScanMismatch('unterminated string');
    let k = j - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    // An even run of backslashes escapes itself, not the quote.
    if ((j - 1 - k) % 2 === 0) return j + 1;
  }
}

/** `i` is at the start of a value; returns the index just after it. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const ch = text.charCodeAt(j);
      if (ch === QUOTE) j = skipString(text, j) - 1;
      else if (ch === OPEN_OBJECT || ch === OPEN_ARRAY) depth++;
      else if ((ch === CLOSE_OBJECT || ch === CLOSE_ARRAY) && --depth === 0) return j + 1;
    }
    throw new ScanMismatch('unterminated container');
  }
  let j = i;
  while (j < text.length) {
    const ch = text.charCodeAt(j);
    if (ch === COMMA || ch === CLOSE_OBJECT || ch === CLOSE_ARRAY || isSpace(ch)) break;
    j++;
  }
  if (j === i) throw new ScanMismatch(`no value at ${i}`);
  return j;
}

/** `at` is on a member's key: the key (escapes read) and the index of its value. */
function member(text: string, at: number): [string, number] {
  if (text.charCodeAt(at) !== QUOTE) throw new ScanMismatch(`expected a key at ${at}`);
  const keyEnd = skipString(text, at);
  const raw = text.slice(at + 1, keyEnd - 1);
  const name = raw.includes('\\') ? (JSON.parse(text.slice(at, keyEnd)) as string) : raw;
  const colon = skipSpace(text, keyEnd);
  if (text.charCodeAt(colon) !== COLON) throw new ScanMismatch(`expected : at ${colon}`);
  return [name, skipSpace(text, colon + 1)];
}

/** After a member or element: the index of the next one, or -1 at the container's end. */
function next(text: string, i: number, close: number): number {
  i = skipSpace(text, i);
  const c = text.charCodeAt(i);
  if (c === close) return -1;
  if (c !== COMMA) throw new ScanMismatch(`expected , at ${i}`);
  return skipSpace(text, i + 1);
}

/**
 * Walks the value at `i` (parsed as `value`) down `path` from segment `depth`, collecting [record, text] pairs.
 * Returns the index after the value.
 */
function walk(text: string, i: number, value: unknown, path: RecordPath, depth: number, found: [object, string][]): number {
  const c = text.charCodeAt(i);
  if (depth === path.length || path[depth] === '*') {
    if (c !== OPEN_ARRAY || !Array.isArray(value)) return skipValue(text, i);
    let k = 0;
    let at = skipSpace(text, i + 1);
    if (text.charCodeAt(at) !== CLOSE_ARRAY) {
      for (;;) {
        if (k >= value.length) throw new ScanMismatch('more elements than parsed');
        const element: unknown = value[k];
        let end: number;
        if (depth === path.length) {
          end = skipValue(text, at);
          if (text.charCodeAt(at) === OPEN_OBJECT && element !== null && typeof element === 'object') found.push([element, text.slice(at, end)]);
        } else {
          end = walk(text, at, element, path, depth + 1, found);
        }
        k++;
        const n = next(text, end, CLOSE_ARRAY);
        if (n < 0) {
          at = skipSpace(text, end);
          break;
        }
        at = n;
      }
    }
    if (k !== value.length) throw new ScanMismatch('fewer elements than parsed');
    return at + 1;
  }
  if (c !== OPEN_OBJECT || value === null || typeof value !== 'object' || Array.isArray(value)) return skipValue(text, i);
  const key = path[depth]!;
  let matched = false;
  let at = skipSpace(text, i + 1);
  if (text.charCodeAt(at) === CLOSE_OBJECT) return at + 1;
  for (;;) {
    const [name, start] = member(text, at);
    let end: number;
    if (name === key) {
      // JSON.parse keeps the last of duplicate keys; which text belongs to it is not worth guessing.
      if (matched) throw new ScanMismatch(`duplicate key ${key}`);
      matched = true;
      end = walk(text, start, (value as Record<string, unknown>)[key], path, depth + 1, found);
    } else {
      end = skipValue(text, start);
    }
    const n = next(text, end, CLOSE_OBJECT);
    if (n < 0) return skipSpace(text, end) + 1;
    at = n;
  }
}
