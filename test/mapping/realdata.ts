// Raw records from the recorded provider responses in /work/shared/realdata, by provider and entity.
import { readFileSync } from 'node:fs';
import type { EntityKind } from '../../src/model/index.js';

export const REALDATA_DIR = process.env.RELANCE_REALDATA ?? '/work/shared/realdata';

const FILES: Record<'quickbooks' | 'xero', Record<EntityKind, [file: string, key: string]>> = {
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
interface Recording { exchanges: { body: Record<string, unknown> & { QueryResponse?: Record<string, unknown> } }[] }

/** Every record of `entity` in the recorded responses, in recording order. */
export function realRecords(provider: 'quickbooks' | 'xero', entity: EntityKind): Raw[] {
  const [file, key] = FILES[provider][entity];
  const rec = JSON.parse(readFileSync(`${REALDATA_DIR}/${provider}/${file}`, 'utf8')) as Recording;
  return rec.exchanges.flatMap((e) => ((e.body.QueryResponse ?? e.body)[key] as Raw[] | undefined) ?? []);
}

/** The recorded record whose `idField` is `id` (throws if the recording lacks it, so a test cannot pass vacuously). */
export function realRecord(provider: 'quickbooks' | 'xero', entity: EntityKind, idField: string, id: string): Raw {
  const found = realRecords(provider, entity).find((r) => r[idField] === id);
  if (!found) throw new Error(`no ${provider} ${entity} with ${idField} ${id} in the recordings`);
  return structuredClone(found);
}
