// Raw provider records for mapping tests: the project's fixtures (always) and the recordings named by RELANCE_REALDATA.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import type { EntityKind } from '../../src/model/index.js';

/**
 * The folder of recorded provider responses (never in the repository: they may not be redistributed), or null.
 * No default path: without RELANCE_REALDATA the tests that need the recordings are skipped, by name.
 */
export const REALDATA_DIR: string | null = process.env.RELANCE_REALDATA || null;
export const hasRealdata = REALDATA_DIR !== null;
/** `describe` for tests that need the recordings: reported as skipped (not passed) when RELANCE_REALDATA is unset. */
export const describeRealdata = describe.skipIf(!hasRealdata);

/** Our own records in the providers' documented response shapes (test/fixtures/README.md). */
const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export type Provider = 'quickbooks' | 'xero' | 'pennylane';
/** Where records come from: `fixtures` always exist; `recordings` only when RELANCE_REALDATA is set. */
export type Source = 'fixtures' | 'recordings';
/** Each source with the `describe` to wrap its tests in: the recordings' is skipped, by name, without RELANCE_REALDATA. */
export const SOURCES: readonly { source: Source; describe: (name: string, fn: () => void) => void }[] = [
  { source: 'fixtures', describe },
  { source: 'recordings', describe: describeRealdata },
];

/**
 * Where an entity's records are: the file, the key of the list in each body (a body without it that is itself a
 * record, as `GET /customer_invoices/{id}` answers, counts as one), and for recordings the request paths to read (a
 * recording may hold a changelog page beside the records).
 */
interface Place { file: string; key: string; path?: RegExp }

const FILES: Record<Provider, Record<EntityKind, Place>> = {
  quickbooks: {
    customer: { file: 'customers.json', key: 'Customer' },
    invoice: { file: 'invoices.json', key: 'Invoice' },
    credit_note: { file: 'credit-memos.json', key: 'CreditMemo' },
    payment: { file: 'payments.json', key: 'Payment' },
  },
  xero: {
    customer: { file: 'contacts.json', key: 'Contacts' },
    invoice: { file: 'invoices.json', key: 'Invoices' },
    credit_note: { file: 'credit-notes.json', key: 'CreditNotes' },
    payment: { file: 'payments.json', key: 'Payments' },
  },
  // Invoices and credit notes share /customer_invoices: both entities read the same records, each mapping skips the
  // other's. Payments are bank transactions as the connector hands them over (with `relance_allocations`).
  pennylane: {
    customer: { file: 'customers.json', key: 'items', path: /\/v2\/customers$/ },
    invoice: { file: 'customer-invoices.json', key: 'items', path: /\/v2\/customer_invoices(\/\d+)?$/ },
    credit_note: { file: 'customer-invoices.json', key: 'items', path: /\/v2\/customer_invoices(\/\d+)?$/ },
    payment: { file: 'transactions.json', key: 'items', path: /\/v2\/transactions(\/\d+)?$/ },
  },
};

/** Entities the recordings hold no record of, and why: `records` returns none for them instead of failing. */
export const UNRECORDED: Partial<Record<Provider, Partial<Record<EntityKind, string>>>> = {
  pennylane: { payment: 'the sandbox company had no matched bank transaction (its matched_transactions and payments lists are empty)' },
};

type Raw = Record<string, unknown>;
type Body = Record<string, unknown> & { QueryResponse?: Record<string, unknown> };
/** A recording file: every exchange with its request path and the response body exactly as the provider returned it. */
interface Recording { exchanges: { path?: string; body: Body }[] }

/** Response bodies of one place: a fixture is one body; a recording holds one per exchange (those on `place.path`). */
function bodies(source: Source, provider: Provider, place: Place): Body[] {
  if (source === 'fixtures') return [JSON.parse(readFileSync(join(FIXTURES_DIR, provider, place.file), 'utf8')) as Body];
  if (REALDATA_DIR === null) throw new Error('RELANCE_REALDATA is not set: this test needs the recorded provider responses (use describeRealdata)');
  const { exchanges } = JSON.parse(readFileSync(join(REALDATA_DIR, provider, place.file), 'utf8')) as Recording;
  return exchanges.filter((e) => !place.path || place.path.test(e.path ?? '')).map((e) => e.body);
}

/** Every record of `entity` from `source`, in file order. */
export function records(source: Source, provider: Provider, entity: EntityKind): Raw[] {
  if (source === 'recordings' && UNRECORDED[provider]?.[entity]) return [];
  const place = FILES[provider][entity];
  return bodies(source, provider, place).flatMap((b) => {
    const list = (b.QueryResponse ?? b)[place.key] as Raw[] | undefined;
    return list ?? (place.key === 'items' && 'id' in b ? [b] : []);
  });
}

/** A copy of the record whose `idField` is `id` (throws if `source` lacks it, so a test cannot pass vacuously). */
export function record(source: Source, provider: Provider, entity: EntityKind, idField: string, id: string): Raw {
  const found = records(source, provider, entity).find((r) => r[idField] === id);
  if (!found) throw new Error(`no ${provider} ${entity} with ${idField} ${id} in the ${source}`);
  return structuredClone(found);
}
