// Invoice (receivable). Status is derived from amounts and the source's own state, never copied.
import { z } from 'zod';
import { Amount, BusinessDate, Currency, ExternalId, Instant, checkPrecision } from './primitives.js';

export const InvoiceStatus = z.enum(['draft', 'open', 'partially_paid', 'paid', 'void']);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

/**
 * The French e-invoicing lifecycle (réforme de la facturation électronique, 2026): the official status codes a
 * platform (PA) reports for an invoice. Provider-neutral: any connector whose ERP knows the lifecycle fills it.
 */
export const E_INVOICING_STATUSES = {
  200: 'deposited',
  201: 'issued',
  202: 'received',
  203: 'made_available',
  204: 'taken_over',
  205: 'approved',
  206: 'partially_approved',
  207: 'disputed',
  208: 'suspended',
  209: 'completed',
  210: 'refused',
  211: 'payment_transmitted',
  212: 'collected',
  213: 'rejected',
} as const;
export type EInvoicingCode = keyof typeof E_INVOICING_STATUSES;
export type EInvoicingStatusWord = (typeof E_INVOICING_STATUSES)[EInvoicingCode];

export const EInvoicing = z
  .object({
    status: z.enum(Object.values(E_INVOICING_STATUSES) as [EInvoicingStatusWord, ...EInvoicingStatusWord[]]),
    code: z.number().int().refine((c) => c in E_INVOICING_STATUSES, { message: 'must be an official lifecycle code (200–213)' }),
    /** The platform's or the buyer's stated reason (refusal, dispute, suspension), as given. */
    reason: z.string().nullish(),
    updatedAt: Instant.nullish(),
    /** For a partial approval (206): the amount the buyer approved, when the platform gives it. */
    approvedAmount: Amount.nullish(),
  })
  .superRefine((e, ctx) => {
    if (E_INVOICING_STATUSES[e.code as EInvoicingCode] !== e.status) ctx.addIssue({ code: 'custom', path: ['status'], message: `does not match code ${e.code} (${E_INVOICING_STATUSES[e.code as EInvoicingCode] ?? 'unknown'})` });
  });
export type EInvoicing = z.infer<typeof EInvoicing>;

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
    /** Where the invoice stands in the e-invoicing lifecycle; null when the ERP does not say. */
    eInvoicing: EInvoicing.nullish(),
  })
  .superRefine((inv, ctx) => {
    checkPrecision(inv, [[['total'], inv.total], [['amountDue'], inv.amountDue], [['eInvoicing', 'approvedAmount'], inv.eInvoicing?.approvedAmount], ...inv.lines.map((l, i): [(string | number)[], string] => [['lines', i, 'amount'], l.amount])], ctx);
    if (inv.dueDate < inv.issueDate) ctx.addIssue({ code: 'custom', path: ['dueDate'], message: `is before issueDate ${inv.issueDate}` });
  });
export type Invoice = z.infer<typeof Invoice>;
