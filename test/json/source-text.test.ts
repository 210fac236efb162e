import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordText, parseDeferringRecords, parseWithSourceText, sourceTextOf, wholeParses } from '../../src/json/source-text.js';

/** Re-serialises a value with random whitespace between every token, like any server's formatter might. */
function format(value: unknown, space: () => string): string {
  if (Array.isArray(value)) return `[${space()}${value.map((v) => format(v, space)).join(`${space()},${space()}`)}${space()}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}${space()}:${space()}${format(v, space)}`);
    return `{${space()}${members.join(`${space()},${space()}`)}${space()}}`;
  }
  return JSON.stringify(value);
}

// Strings a scanner can trip on: quotes, runs of backslashes, brackets, unicode beyond the BMP.
const nasty = fc.oneof(fc.string(), fc.constantFrom('"', '\\', '\\\\"', '{', '}', '[', ']', ',', ':', '😀', '\u2028', 'a\\"b', '\\\\'));
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, nasty, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(nasty, tie('value'), { maxKeys: 4 }),
})).object;
const records = fc.array(json, { maxLength: 6 });
const whitespace = fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r\n  '), { minLength: 1, maxLength: 8 });
/** Runs `parse` and says whether it parsed the body whole (the scan met a shape it does not expect). */
function parsedWhole<T>(parse: () => T): [T, boolean] {
  const before = wholeParses.count;
  const value = parse();
  const counted = wholeParses.count - before;
  expect([0, 1]).toContain(counted);
  return [value, counted === 1];
}
const onlyObjects = (rows: unknown[]) => rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));

/** A QuickBooks-shaped answer holding `records`, formatted with random whitespace between every token. */
const pages = fc.tuple(records, json, whitespace).map(([rows, extra, spaces]) => {
  let n = 0;
  const space = () => spaces[n++ % spaces.length]!;
  return format({ before: extra, QueryResponse: { startPosition: 1, Invoice: rows, after: extra }, time: 'now' }, space);
});

describe('source texts of records', () => {
  it('keeps the exact text of every record, whatever the formatting and the strings inside', () => {
    fc.assert(
      fc.property(pages, (text) => {
        const [parsed, whole] = parsedWhole(() => parseWithSourceText(text, ['QueryResponse', 'Invoice']) as { QueryResponse: { Invoice: unknown[] } });
        expect(parsed).toEqual(JSON.parse(text));
        // Parsed whole only when some record is not an object: the scan read every other page.
        expect(whole).toBe(!onlyObjects(parsed.QueryResponse.Invoice));
        parsed.QueryResponse.Invoice.forEach((record) => {
          const source = sourceTextOf(record)!;
          expect(text).toContain(source);
          expect(JSON.parse(source)).toEqual(record);
          expect(source.startsWith('{') && source.endsWith('}')).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('follows * through arrays of blocks (QuickBooks CDC)', () => {
    const text = `{"CDCResponse":[{"QueryResponse":[{"Invoice":[{"Id":"1","Note":"a \\"quoted\\" }"} , {"Id":"2"}]},{"Payment":[{"Id":"9"}]}]},{"QueryResponse":[{"Invoice":[{"Id":"3"}]}]}],"time":"t"}`;
    const parsed = parseWithSourceText(text, ['CDCResponse', '*', 'QueryResponse', '*', 'Invoice']) as { CDCResponse: { QueryResponse: Record<string, unknown[]>[] }[] };
    const [first, second] = parsed.CDCResponse;
    expect(sourceTextOf(first!.QueryResponse[0]!['Invoice']![0])).toBe('{"Id":"1","Note":"a \\"quoted\\" }"}');
    expect(sourceTextOf(first!.QueryResponse[0]!['Invoice']![1])).toBe('{"Id":"2"}');
    expect(sourceTextOf(second!.QueryResponse[0]!['Invoice']![0])).toBe('{"Id":"3"}');
    // Only the records the path names.
    expect(sourceTextOf(first!.QueryResponse[1]!['Payment']![0])).toBeUndefined();
    expect(sourceTextOf(first)).toBeUndefined();
  });

  it('walks * paths over any shape without losing a record or failing, and counts them apart from key paths', () => {
    const CDC = ['CDCResponse', '*', 'QueryResponse', '*', 'Invoice'];
    // A * level that is an object, null or a string; an empty block; a records value that is not an array; a record
    // that is not an object: each is skipped, and the records around them keep their bytes.
    const text = '{"CDCResponse":[{"QueryResponse":{"Invoice":[{"Id":"x"}]}},null,"s",{},{"QueryResponse":[{"Invoice":{"Id":"y"}},{"Invoice":[7,{"Id":"1"}]},{}]},{"QueryResponse":[{"Invoice":[ ]},{"Invoice":[{"Id":"2"} ]}]}],"time":"t"}';
    const [parsed, whole] = parsedWhole(() => parseWithSourceText(text, CDC) as { CDCResponse: unknown[] });
    expect(whole).toBe(false);
    expect(parsed).toEqual(JSON.parse(text));
    const blocks = parsed.CDCResponse as { QueryResponse: { Invoice: unknown }[] | { Invoice: unknown } }[];
    expect(sourceTextOf((blocks[0]!.QueryResponse as { Invoice: object[] }).Invoice[0])).toBeUndefined();
    const fourth = blocks[4]!.QueryResponse as { Invoice: unknown }[];
    expect(sourceTextOf(fourth[0]!.Invoice)).toBeUndefined();
    expect(sourceTextOf((fourth[1]!.Invoice as object[])[1])).toBe('{"Id":"1"}');
    expect(sourceTextOf(((blocks[5]!.QueryResponse as { Invoice: object[] }[])[1]!.Invoice)[0])).toBe('{"Id":"2"}');
    expect(parsedWhole(() => parseDeferringRecords(text, CDC))[1]).toBe(false);
  });

  it('matches keys written with escapes, and skips elements that are not objects', () => {
    const parsed = parseWithSourceText('{"Inv\\u006fices":[{"A":1},2,null,"x",[{"B":2}],{"C":3}]}', ['Invoices']) as { Invoices: unknown[] };
    expect(sourceTextOf(parsed.Invoices[0])).toBe('{"A":1}');
    expect(sourceTextOf(parsed.Invoices[4])).toBeUndefined();
    expect(sourceTextOf(parsed.Invoices[5])).toBe('{"C":3}');
  });

  it('keeps no text when the path key is repeated (JSON.parse keeps the last; which text is whose is not guessed)', () => {
    const parsed = parseWithSourceText('{"Invoices":[{"Id":"old"}],"Invoices":[{"Id":"new"}]}', ['Invoices']) as { Invoices: unknown[] };
    expect(parsed.Invoices).toEqual([{ Id: 'new' }]);
    expect(sourceTextOf(parsed.Invoices[0])).toBeUndefined();
  });

  it('parses documents without the path, and rejects what is not JSON', () => {
    expect(parseWithSourceText('{"Fault":{"Error":[{"code":"3001"}]}}', ['QueryResponse', 'Invoice'])).toEqual({ Fault: { Error: [{ code: '3001' }] } });
    expect(parseWithSourceText('[]', ['Invoices'])).toEqual([]);
    expect(() => parseWithSourceText('{"Invoices":[', ['Invoices'])).toThrow(SyntaxError);
  });
});

describe('records left as their texts (parsed one at a time at map time)', () => {
  const PATH = ['QueryResponse', 'Invoice'];
  type Deferred = { QueryResponse: { Invoice: unknown[] } & Record<string, unknown> } & Record<string, unknown>;

  it('leaves each record as its exact text and parses the rest, whatever the formatting and the strings inside', () => {
    fc.assert(
      fc.property(pages, (text) => {
        const [deferred, parsedAtOnce] = parsedWhole(() => parseDeferringRecords(text, PATH) as Deferred);
        const whole = JSON.parse(text) as Deferred;
        expect(parsedAtOnce).toBe(!onlyObjects(whole.QueryResponse.Invoice));
        if (parsedAtOnce) return;
        expect(deferred.QueryResponse.Invoice).toHaveLength(whole.QueryResponse.Invoice.length);
        deferred.QueryResponse.Invoice.forEach((held, k) => {
          expect(held).toBeInstanceOf(RecordText);
          const t = (held as RecordText).text;
          expect(text).toContain(t);
          expect(t.startsWith('{') && t.endsWith('}')).toBe(true);
          expect((held as RecordText).parse()).toEqual(whole.QueryResponse.Invoice[k]);
        });
        expect({ ...deferred, QueryResponse: { ...deferred.QueryResponse, Invoice: [] } }).toEqual({ ...whole, QueryResponse: { ...whole.QueryResponse, Invoice: [] } });
      }),
      { numRuns: 300 },
    );
  });

  it('finds the records after an escaped key and a nested value holding brackets in strings', () => {
    const text = '{"time":"t","note":"a, b ] } [ {","Query\\u0052esponse":{"x":[{"a":"]}"}],"Invoice":[ {"Id":"1","Note":"a \\"quoted\\" }"} , {"Id":"2","L":[{"n":{}}]}],"maxResults":2}}';
    const [parsed, whole] = parsedWhole(() => parseDeferringRecords(text, PATH) as Deferred);
    expect(whole).toBe(false);
    expect(parsed.QueryResponse.Invoice.map((r) => (r as RecordText).text)).toEqual(['{"Id":"1","Note":"a \\"quoted\\" }"}', '{"Id":"2","L":[{"n":{}}]}']);
    expect(parsed).toMatchObject({ time: 't', QueryResponse: { x: [{ a: ']}' }], maxResults: 2 } });
  });

  it('keeps each record as the bytes it came as, and reads ASCII and UTF-8 records alike, in one body or apart', () => {
    // An ASCII record, one with accents (Latin-1 range), one beyond it (€ and an emoji), an escaped backslash just
    // before a closing quote, and the body's byte-order mark.
    const records = ['{"Id":"1","Name":"Dupont"}', '{"Id":"2","Name":"Société Générale"}', '{"Id":"3","Note":"12 € 🙂","Path":"C:\\\\"}'];
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{"QueryResponse":{"Invoice":[${records.join(',')}],"maxResults":3}}`)]);
    const [parsed, whole0] = parsedWhole(() => parseDeferringRecords(body, PATH) as Deferred);
    expect(whole0).toBe(false);
    const held = parsed.QueryResponse.Invoice as RecordText[];
    expect(held.map((r) => r.text)).toEqual(records);
    expect(held.map((r) => Buffer.compare(r.bytes, Buffer.from(records[held.indexOf(r)]!)))).toEqual([0, 0, 0]);
    expect(held.map((r) => r.parse())).toEqual(records.map((r) => JSON.parse(r)));
    expect(parsed.QueryResponse['maxResults']).toBe(3);
    // The whole body parsed at once gives each record the same text.
    const [whole, parsedAtOnce] = parsedWhole(() => parseWithSourceText(body, PATH) as Deferred);
    expect(parsedAtOnce).toBe(false);
    expect(whole.QueryResponse.Invoice.map((r) => sourceTextOf(r))).toEqual(records);
    // An ASCII body: each record read as it is.
    const ascii = parseDeferringRecords(Buffer.from(`{"QueryResponse":{"Invoice":[${records[0]}]}}`), PATH) as Deferred;
    expect((ascii.QueryResponse.Invoice[0] as RecordText).text).toBe(records[0]);
  });

  it('reads a body given as a view into a larger buffer, and a body that is the records\' array itself', () => {
    const inner = Buffer.from('{"QueryResponse":{"Invoice":[{"Id":"1","N":"é"},{"Id":"2"}]}}');
    const framed = Buffer.concat([Buffer.from('xx'), inner, Buffer.from('yy')]);
    const view = new Uint8Array(framed.buffer, framed.byteOffset + 2, inner.length);
    const held = (parseDeferringRecords(view, PATH) as Deferred).QueryResponse.Invoice as RecordText[];
    expect(held.map((r) => r.parse())).toEqual([{ Id: '1', N: 'é' }, { Id: '2' }]);
    expect(held.map((r) => r.bytes.toString('utf8'))).toEqual(['{"Id":"1","N":"é"}', '{"Id":"2"}']);
    // No keys: the body is the array (how stored raw pages are read back).
    const [page, pageWhole] = parsedWhole(() => parseWithSourceText(Buffer.from(' [ {"Id":"1"} , {"Id":"2","L":[1]} ] '), []) as object[]);
    expect(pageWhole).toBe(false);
    expect(page).toEqual([{ Id: '1' }, { Id: '2', L: [1] }]);
    expect(page.map((r) => sourceTextOf(r))).toEqual(['{"Id":"1"}', '{"Id":"2","L":[1]}']);
    const [deferred, deferredWhole] = parsedWhole(() => parseDeferringRecords(Buffer.from('[{"Id":"3"}]'), []) as RecordText[]);
    expect(deferredWhole).toBe(false);
    expect(deferred.map((r) => r.text)).toEqual(['{"Id":"3"}']);
    expect(sourceTextOf('{"Id":"3"}')).toBeUndefined();
    expect(sourceTextOf(null)).toBeUndefined();
  });

  it('falls back to parsing everything when the shape is not one array of objects at a path met once', () => {
    // No records key (an empty last page, a Fault), a repeated key, an element that is not an object, a * path.
    expect(parseDeferringRecords('{"QueryResponse":{"startPosition":1},"time":"t"}', PATH)).toEqual({ QueryResponse: { startPosition: 1 }, time: 't' });
    expect(parseDeferringRecords('{"Fault":{"Error":[{"code":"3001"}]}}', PATH)).toEqual({ Fault: { Error: [{ code: '3001' }] } });
    const [repeated, repeatedWhole] = parsedWhole(() => parseDeferringRecords('{"QueryResponse":{"Invoice":[{"Id":"old"}],"Invoice":[{"Id":"new"}]}}', PATH) as Deferred);
    expect(repeatedWhole).toBe(true);
    expect(repeated.QueryResponse.Invoice).toEqual([{ Id: 'new' }]);
    const [mixed, mixedWhole] = parsedWhole(() => parseDeferringRecords('{"QueryResponse":{"Invoice":[{"Id":"1"},2]}}', PATH) as Deferred);
    expect(mixedWhole).toBe(true);
    expect(mixed.QueryResponse.Invoice).toEqual([{ Id: '1' }, 2]);
    expect(sourceTextOf(mixed.QueryResponse.Invoice[0])).toBe('{"Id":"1"}');
    const starred = parseDeferringRecords('{"A":[{"Invoice":[{"Id":"1"}]}]}', ['A', '*', 'Invoice']) as { A: { Invoice: unknown[] }[] };
    expect(starred.A[0]!.Invoice[0]).toEqual({ Id: '1' });
    expect(parsedWhole(() => parseDeferringRecords('{"QueryResponse":{"Invoice": [ ] }}', PATH))).toEqual([{ QueryResponse: { Invoice: [] } }, false]);
  });

  it('finds the records three keys down, and puts them back where they were', () => {
    const [parsed, whole] = parsedWhole(() => parseDeferringRecords('{"a":{"b":{"c":[{"Id":"1"},{"Id":"2"}],"n":2},"m":1},"z":0}', ['a', 'b', 'c']) as { a: { b: { c: RecordText[]; n: number }; m: number }; z: number });
    expect(whole).toBe(false);
    expect(parsed.a.b.c.map((r) => r.text)).toEqual(['{"Id":"1"}', '{"Id":"2"}']);
    expect({ ...parsed, a: { ...parsed.a, b: { ...parsed.a.b, c: [] } } }).toEqual({ a: { b: { c: [], n: 2 }, m: 1 }, z: 0 });
  });

  it('rejects records whose separators are malformed, though each record alone would parse', () => {
    // Missing, doubled, leading or trailing commas, a stray character between records, an array left open: the body
    // was damaged on the way, and must never pass for a page (the scan finds it, the full parse then throws).
    for (const records of ['{"Id":"1"} {"Id":"2"}', '{"Id":"1"},,{"Id":"2"}', ',{"Id":"1"}', '{"Id":"1"},', '{"Id":"1"}x{"Id":"2"}', '{"Id":"1"}']) {
      const body = `{"QueryResponse":{"Invoice":[${records}]}}`.replace('[{"Id":"1"}]}}', '[{"Id":"1"}}}');
      expect(() => parseDeferringRecords(body, PATH), records).toThrow(SyntaxError);
    }
    // A record whose own string never ends swallows the rest of the body.
    expect(() => parseDeferringRecords('{"QueryResponse":{"Invoice":[{"Id":"1}]}}', PATH)).toThrow(SyntaxError);
  });

  it('rejects a body cut short or malformed outside the records; a record malformed inside is found when it is parsed', () => {
    expect(() => parseDeferringRecords('{"QueryResponse":{"Invoice":[{"Id":"1"},{"Id"', PATH)).toThrow(SyntaxError);
    expect(() => parseDeferringRecords('{"QueryResponse":{"Invoice":[{"Id":"1"}],"maxResults":}}', PATH)).toThrow(SyntaxError);
    const inside = parseDeferringRecords('{"QueryResponse":{"Invoice":[{"Id":"1"},{"Id";"2"}]}}', PATH) as Deferred;
    expect((inside.QueryResponse.Invoice[0] as RecordText).parse()).toEqual({ Id: '1' });
    expect(() => (inside.QueryResponse.Invoice[1] as RecordText).parse()).toThrow(SyntaxError);
  });
});
