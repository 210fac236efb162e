// Credit note (avoir): its allocations reduce what invoices owe; `remaining` is credit still open.
import { z } from 'zod';
import { Amount, BusinessDate, Currency, ExternalId, Instant, checkPrecision } from './primitives.js';

export const CreditAllocation = z.object({ invoiceExternalId: ExternalId, amount: Amount, date: BusinessDate.nullish() });

export const CreditNote = z
  .object({
    externalId: ExternalId,
    number: z.string().nullish(),
    customerExternalId: ExternalId,
    issueDate: BusinessDate,
    currency: Currency,
    total: Amount,
    remaining: Amount,
    status: z.enum(['draft', 'open', 'applied', 'void']).default('open'),
    allocations: z.array(CreditAllocation).default([]),
    externalVersion: z.string().nullish(),
    updatedAt: Instant.nullish(),
  })
  .superRefine((cn, ctx) =>
    checkPrecision(cn, [[['total'], cn.total], [['remaining'], cn.remaining], ...cn.allocations.map((a, i): [(string | number)[], string] => [['allocations', i, 'amount'], a.amount])], ctx),
  );
export type CreditNote = z.infer<typeof CreditNote>;
