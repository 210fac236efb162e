// Invoice (receivable). Status is derived from amounts and the source's own state, never copied.
import { z } from 'zod';
import { Amount, BusinessDate, Currency, ExternalId, Instant, checkPrecision } from './primitives.js';

export const InvoiceStatus = z.enum(['draft', 'open', 'partially_paid', 'paid', 'void']);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

export const InvoiceLine = z.object({ description: z.string().nullish(), amount: Amount });

export const Invoice = z
  .object({
    externalId: ExternalId,
    number: z.string().nullish(),
    customerExternalId: ExternalId,
    issueDate: BusinessDate,
    dueDate: BusinessDate,
    currency: Currency,
    total: Amount,
    amountDue: Amount,
    status: InvoiceStatus,
    lines: z.array(InvoiceLine).default([]),
    pdfUrl: z.string().nullish(),
    externalVersion: z.string().nullish(),
    updatedAt: Instant.nullish(),
  })
  .superRefine((inv, ctx) => {
    checkPrecision(inv, [[['total'], inv.total], [['amountDue'], inv.amountDue], ...inv.lines.map((l, i): [(string | number)[], string] => [['lines', i, 'amount'], l.amount])], ctx);
    if (inv.dueDate < inv.issueDate) ctx.addIssue({ code: 'custom', path: ['dueDate'], message: `is before issueDate ${inv.issueDate}` });
  });
export type Invoice = z.infer<typeof Invoice>;
