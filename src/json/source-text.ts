// The bytes each provider record arrived as, kept beside its parsed value (or in its place until the sync engine parses
// it): raw payloads are stored byte for byte as received, and a sync no longer serialises every record a second time
// (JSON.stringify of the raw records was about a tenth of a QuickBooks sync's CPU), nor encodes its text again.
import { isAscii } from 'node:buffer';

/**
 * Where a response's records are: object keys from the top, `*` for every element of an array on the way. The
 * value reached is the array of records, e.g. `['QueryResponse', 'Invoice']` or
 * `['CDCResponse', '*', 'QueryResponse', '*', 'Invoice']`.
 */
export type RecordPath = readonly string[];

const sources = new WeakMap<object, Buffer>();

/**
 * The exact bytes (UTF-8 JSON) a parsed record came from, when the HTTP layer read it from a response with a record
 * path: a view of the response body, stored as the raw payload as it is. Undefined for anything else (a record built
 * or copied by a connector is serialised as it is).
 */
export function sourceBytesOf(value: unknown): Buffer | undefined {
  return value !== null && typeof value === 'object' ? sources.get(value) : undefined;
}

/** The exact JSON text a parsed record came from (sourceBytesOf, read as text). */
export function sourceTextOf(value: unknown): string | undefined {
  const bytes = sourceBytesOf(value);
  return bytes && bytesText(bytes);
}

/** A JSON body as bytes (UTF-8), read as they came; a string is encoded first. */
export type JsonBody = string | Uint8Array;

const asBytes = (body: JsonBody): Buffer => (typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));

/**
 * The text of bytes [start, end). ASCII (what JSON bodies mostly are: names with accents are the exception) is read as
 * Latin-1, which is a copy; UTF-8 decoding a whole 2 MB page cost 3.8 µs per QuickBooks invoice, against 0.5 µs (#29).
 * `knownAscii` spares the check when the caller has made it for a larger range. A leading byte-order mark is dropped,
 * as JSON readers do.
 */
export function bytesText(bytes: Buffer, start = 0, end = bytes.length, knownAscii = false): string {
  if (knownAscii || isAscii(bytes.subarray(start, end))) return bytes.toString('latin1', start, end);
  const text = bytes.toString('utf8', start, end);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parses a JSON response and remembers the bytes of each record at `path` (see sourceBytesOf): views, not copies, which
 * the page's records share with the body. With a path of keys, the body is split as parseDeferringRecords splits it and
 * each record parsed on its own: only a record with characters beyond ASCII is decoded as UTF-8, where decoding the
 * whole page cost 3.5 µs a QuickBooks invoice (#29). Other paths (`*`) and shapes the scan does not expect are parsed
 * whole, then walked.
 */
export function parseWithSourceText(body: JsonBody, path: RecordPath): unknown {
  const bytes = asBytes(body);
  if (!path.includes('*')) {
    const split = splitRecords(bytes, path, (record) => {
      const value = record.parse() as object;
      sources.set(value, record.bytes);
      return value;
    });
    if (split !== NOT_SPLIT) return split;
  }
  return parseWhole(bytes, path);
}

/**
 * How many bodies with a path of keys were parsed whole: the scan met a shape it does not expect. The answer is the
 * same either way, only slower, so the tests watch this stay still on well-formed pages.
 */
export const wholeParses = { count: 0 };

/** JSON.parse of the whole body, then a walk to each record's bytes (none when the shape surprises the walk). */
function parseWhole(bytes: Buffer, path: RecordPath): unknown {
  if (!path.includes('*')) wholeParses.count++;
  const parsed: unknown = JSON.parse(bytesText(bytes));
  const found: [object, number, number][] = [];
  try {
    walk(bytes, skipSpace(bytes, afterBom(bytes)), parsed, path, 0, found);
  } catch (err) {
    // The text parsed, so this is a shape we did not expect (or a scanner bug): the records are simply
    // serialised again when stored, as they were before source texts.
    if (!(err instanceof ScanMismatch)) throw err;
    return parsed;
  }
  for (const [record, start, end] of found) sources.set(record, bytes.subarray(start, end));
  return parsed;
}

class ScanMismatch extends Error {}

/**
 * A record left as the bytes it arrived as, to be parsed by the sync engine right before it is mapped (see
 * parseDeferringRecords). Parsed one at a time, a record's object tree dies young; a whole page parsed at once (about
 * 5 MB of objects for 1,000 QuickBooks invoices) outlives V8's young generation and is copied, promoted and marked.
 * Its bytes are stored as the raw payload as they are, never encoded again.
 */
export class RecordText {
  constructor(
    private readonly body: Buffer,
    private readonly start: number,
    private readonly end: number,
    /** The whole body is ASCII (else each record is checked when read). */
    private readonly ascii: boolean,
  ) {}

  /** The record's bytes as received (a view of the response body). */
  get bytes(): Buffer {
    return this.body.subarray(this.start, this.end);
  }

  get text(): string {
    return bytesText(this.body, this.start, this.end, this.ascii);
  }

  /** The record's value; throws when the text is not JSON (the body was damaged on the way). */
  parse(): unknown {
    return JSON.parse(this.text);
  }
}

/**
 * Parses a JSON response, leaving each element of the records array at `path` as its bytes (a RecordText). The path
 * names object keys only (no `*`; none: the body is the array). The rest of the body is parsed as usual. A shape the
 * scanner does not expect, or a body that is not JSON, is parsed whole, and bad JSON throws.
 */
export function parseDeferringRecords(body: JsonBody, path: RecordPath): unknown {
  const bytes = asBytes(body);
  if (path.includes('*')) return parseWithSourceText(bytes, path);
  const split = splitRecords(bytes, path, (record) => record);
  return split === NOT_SPLIT ? parseWhole(bytes, path) : split;
}

const NOT_SPLIT = Symbol('not split');

/**
 * The body with the records' array at `path` (keys only) replaced by `each` of its records, the rest parsed; NOT_SPLIT
 * when the scan meets a shape it does not expect (see recordSpans).
 */
function splitRecords(bytes: Buffer, path: RecordPath, each: (record: RecordText) => unknown): unknown {
  let spans: number[];
  let array: [number, number];
  try {
    [array, spans] = recordSpans(bytes, path);
  } catch (err) {
    if (!(err instanceof ScanMismatch)) throw err;
    return NOT_SPLIT;
  }
  const ascii = isAscii(bytes);
  // The body without its records, parsed: a small text.
  const skeleton: unknown = JSON.parse(`${bytesText(bytes, 0, array[0], ascii)}[]${bytesText(bytes, array[1], bytes.length, ascii)}`);
  const records: unknown[] = [];
  for (let k = 0; k < spans.length; k += 2) records.push(each(new RecordText(bytes, spans[k]!, spans[k + 1]!, ascii)));
  if (path.length === 0) return records;
  let holder = skeleton as Record<string, unknown>;
  for (const key of path.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
  holder[path.at(-1)!] = records;
  return skeleton;
}

/**
 * Where the records array at `path` lies in `text` ([start, end) of the array) and each element's [start, end), by a
 * scan that parses nothing. Throws ScanMismatch on anything but objects along the path, an array of objects at its
 * end, and a key met once on the way.
 */
function recordSpans(bytes: Buffer, path: RecordPath): [[number, number], number[]] {
  const spans: number[] = [];
  let array: [number, number] | null = null;
  /** The object at `i`, at `depth` of the path: returns the index after it. Each byte is scanned once. */
  const level = (i: number, depth: number): number => {
    if (bytes[i] !== OPEN_OBJECT) throw new ScanMismatch(`expected an object at ${i}`);
    let matched = false;
    let at = skipSpace(bytes, i + 1);
    if (bytes[at] === CLOSE_OBJECT) throw new ScanMismatch(`no key ${path[depth]}`);
    for (;;) {
      const [name, start] = member(bytes, at);
      let end: number;
      if (name === path[depth]) {
        // JSON.parse keeps the last of duplicate keys; which text belongs to it is not worth guessing.
        if (matched) throw new ScanMismatch(`duplicate key ${name}`);
        matched = true;
        end = depth + 1 < path.length ? level(start, depth + 1) : records(start);
      } else {
        end = skipValue(bytes, start);
      }
      const n = next(bytes, end, CLOSE_OBJECT);
      if (n < 0) {
        if (!matched) throw new ScanMismatch(`no key ${path[depth]}`);
        return skipSpace(bytes, end) + 1;
      }
      at = n;
    }
  };
  /** The records array at `i`: each element's bounds into `spans`; returns the index after the array. */
  const records = (i: number): number => {
    if (bytes[i] !== OPEN_ARRAY) throw new ScanMismatch(`expected an array at ${i}`);
    let at = skipSpace(bytes, i + 1);
    let end = at + 1;
    if (bytes[at] !== CLOSE_ARRAY) {
      for (;;) {
        if (bytes[at] !== OPEN_OBJECT) throw new ScanMismatch(`expected a record object at ${at}`);
        const recordEnd = skipValue(bytes, at);
        spans.push(at, recordEnd);
        const n = next(bytes, recordEnd, CLOSE_ARRAY);
        if (n < 0) {
          end = skipSpace(bytes, recordEnd) + 1;
          break;
        }
        at = n;
      }
    }
    array = [i, end];
    return end;
  };
  const start = skipSpace(bytes, afterBom(bytes));
  // No keys: the body is the records' array.
  if (path.length === 0) records(start);
  else level(start, 0);
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

/** Where a body's JSON starts: after a UTF-8 byte-order mark, if it has one. */
function afterBom(bytes: Buffer): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(bytes: Buffer, i: number): number {
  while (i < bytes.length && isSpace(bytes[i]!)) i++;
  return i;
}

/** `i` is on an opening quote; returns the index after the closing one. */
function skipString(bytes: Buffer, i: number): number {
  for (let j = i + 1; j < bytes.length; j++) {
    const c = bytes[j]!;
    if (c === QUOTE) return j + 1;
    // An escape: the byte after the backslash is never the string's end. (UTF-8's other bytes are all ≥ 0x80.)
    if (c === BACKSLASH) j++;
  }
  throw new ScanMismatch('unterminated string');
}

/** `i` is at the start of a value; returns the index just after it. */
function skipValue(bytes: Buffer, i: number): number {
  const c = bytes[i]!;
  if (c === QUOTE) return skipString(bytes, i);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (let j = i; j < bytes.length; j++) {
      const ch = bytes[j]!;
      if (ch === QUOTE) j = skipString(bytes, j) - 1;
      else if (ch === OPEN_OBJECT || ch === OPEN_ARRAY) depth++;
      else if ((ch === CLOSE_OBJECT || ch === CLOSE_ARRAY) && --depth === 0) return j + 1;
    }
    throw new ScanMismatch('unterminated container');
  }
  let j = i;
  while (j < bytes.length) {
    const ch = bytes[j]!;
    if (ch === COMMA || ch === CLOSE_OBJECT || ch === CLOSE_ARRAY || isSpace(ch)) break;
    j++;
  }
  if (j === i) throw new ScanMismatch(`no value at ${i}`);
  return j;
}

/** `at` is on a member's key: the key (escapes read) and the index of its value. */
function member(bytes: Buffer, at: number): [string, number] {
  if (bytes[at] !== QUOTE) throw new ScanMismatch(`expected a key at ${at}`);
  const keyEnd = skipString(bytes, at);
  const raw = bytesText(bytes, at + 1, keyEnd - 1);
  const name = raw.includes('\\') ? (JSON.parse(bytesText(bytes, at, keyEnd)) as string) : raw;
  const colon = skipSpace(bytes, keyEnd);
  if (bytes[colon] !== COLON) throw new ScanMismatch(`expected : at ${colon}`);
  return [name, skipSpace(bytes, colon + 1)];
}

/** After a member or element: the index of the next one, or -1 at the container's end. */
function next(bytes: Buffer, i: number, close: number): number {
  i = skipSpace(bytes, i);
  const c = bytes[i]!;
  if (c === close) return -1;
  if (c !== COMMA) throw new ScanMismatch(`expected , at ${i}`);
  return skipSpace(bytes, i + 1);
}

/**
 * Walks the value at `i` (parsed as `value`) down `path` from segment `depth`, collecting [record, text] pairs.
 * Returns the index after the value.
 */
function walk(bytes: Buffer, i: number, value: unknown, path: RecordPath, depth: number, found: [object, number, number][]): number {
  const c = bytes[i]!;
  if (depth === path.length || path[depth] === '*') {
    if (c !== OPEN_ARRAY || !Array.isArray(value)) return skipValue(bytes, i);
    let k = 0;
    let at = skipSpace(bytes, i + 1);
    if (bytes[at] !== CLOSE_ARRAY) {
      for (;;) {
        if (k >= value.length) throw new ScanMismatch('more elements than parsed');
        const element: unknown = value[k];
        let end: number;
        if (depth === path.length) {
          end = skipValue(bytes, at);
          if (bytes[at] === OPEN_OBJECT && element !== null && typeof element === 'object') found.push([element, at, end]);
        } else {
          end = walk(bytes, at, element, path, depth + 1, found);
        }
        k++;
        const n = next(bytes, end, CLOSE_ARRAY);
        if (n < 0) {
          at = skipSpace(bytes, end);
          break;
        }
        at = n;
      }
    }
    if (k !== value.length) throw new ScanMismatch('fewer elements than parsed');
    return at + 1;
  }
  if (c !== OPEN_OBJECT || value === null || typeof value !== 'object' || Array.isArray(value)) return skipValue(bytes, i);
  const key = path[depth]!;
  let matched = false;
  let at = skipSpace(bytes, i + 1);
  if (bytes[at] === CLOSE_OBJECT) return at + 1;
  for (;;) {
    const [name, start] = member(bytes, at);
    let end: number;
    if (name === key) {
      // JSON.parse keeps the last of duplicate keys; which text belongs to it is not worth guessing.
      if (matched) throw new ScanMismatch(`duplicate key ${key}`);
      matched = true;
      end = walk(bytes, start, (value as Record<string, unknown>)[key], path, depth + 1, found);
    } else {
      end = skipValue(bytes, start);
    }
    const n = next(bytes, end, CLOSE_OBJECT);
    if (n < 0) return skipSpace(bytes, end) + 1;
    at = n;
  }
}
