// Payment received from a customer and how it was applied to invoices.
import { z } from 'zod';
import { Amount, BusinessDate, Currency, ExternalId, Instant, checkPrecision } from './primitives.js';

/** `inferred`: the ERP did not say how the payment was split over its invoices; the connector worked it out. */
export const PaymentAllocation = z.object({ invoiceExternalId: ExternalId, amount: Amount, inferred: z.boolean().optional() });

export const Payment = z
  .object({
    externalId: ExternalId,
    customerExternalId: ExternalId.nullish(),
    date: BusinessDate,
    currency: Currency,
    amount: Amount,
    unapplied: Amount,
    status: z.enum(['posted', 'void']).default('posted'),
    allocations: z.array(PaymentAllocation).default([]),
    reference: z.string().nullish(),
    externalVersion: z.string().nullish(),
    updatedAt: Instant.nullish(),
  })
  .superRefine((p, ctx) =>
    checkPrecision(p, [[['amount'], p.amount], [['unapplied'], p.unapplied], ...p.allocations.map((a, i): [(string | number)[], string] => [['allocations', i, 'amount'], a.amount])], ctx),
  );
export type Payment = z.infer<typeof Payment>;
