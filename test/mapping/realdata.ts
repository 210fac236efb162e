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

export type Provider = 'quickbooks' | 'xero';
/** Where records come from: `fixtures` always exist; `recordings` only when RELANCE_REALDATA is set. */
export type Source = 'fixtures' | 'recordings';
/** Each source with the `describe` to wrap its tests in: the recordings' is skipped, by name, without RELANCE_REALDATA. */
export const SOURCES: readonly { source: Source; describe: (name: string, fn: () => void) => void }[] = [
  { source: 'fixtures', describe },
  { source: 'recordings', describe: describeRealdata },
];

const FILES: Record<Provider, Record<EntityKind, [file: string, key: string]>> = {
  quickbooks: {
    customer: ['customers.json', 'Customer'],
    invoice: ['invoices.json', 'Invoice'],
    credit_note: ['credit-memos.json', 'CreditMemo'],
    payment: ['payments.json', 'Payment'],
  },
  xero: {
    customer: ['contacts.json', 'Contacts'],
    invoice: ['invoices.json', 'Invoices'],
    credit_note: ['credit-notes.json', 'CreditNotes'],
    payment: ['payments.json', 'Payments'],
  },
};

type Raw = Record<string, unknown>;
type Body = Record<string, unknown> & { QueryResponse?: Record<string, unknown> };
/** A recording file: every exchange with the response body exactly as the provider returned it. */
interface Recording { exchanges: { body: Body }[] }

/** Response bodies of one file: a fixture is one body; a recording holds one per exchange. */
function bodies(source: Source, provider: Provider, file: string): Body[] {
  if (source === 'fixtures') return [JSON.parse(readFileSync(join(FIXTURES_DIR, provider, file), 'utf8')) as Body];
  if (REALDATA_DIR === null) throw new Error('RELANCE_REALDATA is not set: this test needs the recorded provider responses (use describeRealdata)');
  return (JSON.parse(readFileSync(join(REALDATA_DIR, provider, file), 'utf8')) as Recording).exchanges.map((e) => e.body);
}

/** Every record of `entity` from `source`, in file order. */
export function records(source: Source, provider: Provider, entity: EntityKind): Raw[] {
  const [file, key] = FILES[provider][entity];
  return bodies(source, provider, file).flatMap((b) => ((b.QueryResponse ?? b)[key] as Raw[] | undefined) ?? []);
}

/** A copy of the record whose `idField` is `id` (throws if `source` lacks it, so a test cannot pass vacuously). */
export function record(source: Source, provider: Provider, entity: EntityKind, idField: string, id: string): Raw {
  const found = records(source, provider, entity).find((r) => r[idField] === id);
  if (!found) throw new Error(`no ${provider} ${entity} with ${idField} ${id} in the ${source}`);
  return structuredClone(found);
}
