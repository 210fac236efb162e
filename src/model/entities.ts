// The synced entity kinds and their schemas, by the names used in mappings, streams and tables.
import type { z } from 'zod';
import { CreditNote } from './credit-note.js';
import { Customer } from './customer.js';
import { Invoice } from './invoice.js';
import { Payment } from './payment.js';

export const ENTITIES = ['customer', 'invoice', 'credit_note', 'payment'] as const;
export type EntityKind = (typeof ENTITIES)[number];

export const ENTITY_SCHEMAS = {
  customer: Customer,
  invoice: Invoice,
  credit_note: CreditNote,
  payment: Payment,
} as const satisfies Record<EntityKind, z.ZodType>;

export type EntityOf<K extends EntityKind> = z.infer<(typeof ENTITY_SCHEMAS)[K]>;

export function isEntityKind(s: string): s is EntityKind {
  return (ENTITIES as readonly string[]).includes(s);
}

/** Formats zod issues as "path: message" lines an operator can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(record)'}: ${i.message}`).join('; ');
}
