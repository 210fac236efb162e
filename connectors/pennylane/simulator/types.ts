// Internal records of the simulated Pennylane company (amounts in integer cents) and the public option types.
import type { SimulatorOptions } from '../../../src/simulator/types.js';

/**
 * Pennylane's VAT rate codes, in per mille: FR_200 = 20 %, FR_55 = 5.5 % (codes from the v2 reference). The code of an
 * exempt line is UNCONFIRMED (reference A8); `exempt` stands for it where a scenario needs no tax on top.
 */
export const VAT_RATES = { FR_200: 200, FR_55: 55, exempt: 0 } as const;
export type VatRate = keyof typeof VAT_RATES;

/** `payment_conditions` values seen in the v2 API (Drakkar's generated PaymentConditions model; `custom` pre-fills nothing). */
export type PaymentConditions = 'upon_receipt' | 'custom' | '15_days' | '30_days' | '30_days_end_of_month' | '45_days' | '45_days_end_of_month' | '60_days';

interface Base {
  id: number;
  createdMs: number;
  updatedMs: number;
  /** Set by faults.corrupt(): the record renders a malformed amount or date. */
  corrupt?: boolean;
}

export interface Address {
  address: string;
  postal_code: string;
  city: string;
  country_alpha2: string;
}

export interface CustomerRec extends Base {
  kind: 'customer';
  type: 'company' | 'individual';
  name: string;
  firstName: string;
  lastName: string;
  emails: string[];
  phone: string;
  billing: Address;
  paymentConditions: PaymentConditions;
  /** SIREN (9 digits) or SIRET (14) of a company; empty for individuals. */
  regNo: string;
  vatNumber: string;
  reference: string;
  externalReference: string;
  notes: string | null;
  ledgerAccountId: number;
}

export interface LineRec {
  label: string;
  quantity: number;
  unitCents: number;
  vatRate: VatRate;
  netCents: number;
  taxCents: number;
}

/** The lifecycle status Pennylane reports from the e-invoicing platform (PA), with its reason. */
export interface EInvoicingRec {
  status: string;
  reason: string | null;
  updatedMs: number;
}

export interface CategoryLink {
  categoryId: number;
  /** Decimal text, as Pennylane sends it ("1", "0.5"). */
  weight: string;
}

export interface AppendixRec {
  /** The text a reader sees in the file when it is a PDF (an audit note), for tests that read what was attached. */
  text?: string;
  id: number;
  filename: string;
  size: number;
  createdMs: number;
}

/** A customer invoice or credit note: Pennylane keeps both on /customer_invoices. */
export interface InvoiceRec extends Base {
  kind: 'invoice';
  creditNote: boolean;
  customer: CustomerRec;
  number: string;
  label: string;
  draft: boolean;
  /** Pro-forma documents exist in the UI; the API lists them with status `proforma` (one public source). */
  proforma: boolean;
  date: string;
  deadline: string;
  lines: LineRec[];
  /** Negative on a credit note. */
  netCents: number;
  taxCents: number;
  totalCents: number;
  /** On a credit note: the invoice it corrects. */
  credited: InvoiceRec | null;
  archivedMs: number | null;
  externalReference: string;
  eInvoicing: EInvoicingRec | null;
  categories: CategoryLink[];
  appendices: AppendixRec[];
  /** Bank transactions matched to it (the per-invoice amount is the simulator's truth; the API never shows it). */
  matches: { tx: TransactionRec; cents: number }[];
  /** Credit notes whose amount settles it. */
  credits: InvoiceRec[];
}

/** A bank transaction; incoming ones may be matched to customer invoices (one transfer can pay several). */
export interface TransactionRec extends Base {
  kind: 'transaction';
  date: string;
  label: string;
  /** Positive: money in. */
  amountCents: number;
  customer: CustomerRec | null;
  bankAccountId: number;
  matches: { invoice: InvoiceRec; cents: number }[];
}

export interface CategoryGroupRec {
  id: number;
  label: string;
  createdMs: number;
}

export interface CategoryRec {
  id: number;
  label: string;
  group: CategoryGroupRec;
  analyticalCode: string | null;
  createdMs: number;
  updatedMs: number;
}

export type ChangelogResource = 'customers' | 'customer_invoices' | 'transactions';
export interface ChangeEvent {
  id: number;
  operation: 'insert' | 'update' | 'delete';
  processedMs: number;
  createdMs: number;
  updatedMs: number;
}

export interface PennylaneLimits {
  /** 25 requests per 5-second window per token (docs: rate-limiting-1, 2026-02-06). */
  perWindow: number;
  windowSec: number;
  /** Default and largest page of list endpoints (20 and 100); changelogs allow 1000. */
  defaultPageSize: number;
  maxPageSize: number;
  maxChangelogPageSize: number;
  /** Changelog events are kept four weeks. */
  changelogRetentionDays: number;
  authCodeTtlSec: number;
  /** 24 h (`expires_in: 86400`). */
  accessTokenTtlSec: number;
  /** About 90 days (UNCONFIRMED: third-party summaries of the OAuth walkthrough). */
  refreshTokenTtlSec: number;
  /** The old refresh token dies at once: Pennylane invalidates both old tokens on refresh (GAC oauth.py). */
  refreshGraceSec: number;
}

export const DOCUMENTED_LIMITS: PennylaneLimits = {
  perWindow: 25,
  windowSec: 5,
  defaultPageSize: 20,
  maxPageSize: 100,
  maxChangelogPageSize: 1000,
  changelogRetentionDays: 28,
  authCodeTtlSec: 600,
  accessTokenTtlSec: 86_400,
  refreshTokenTtlSec: 90 * 86_400,
  refreshGraceSec: 0,
};

export type PennylaneBaseUrls = {
  /** https://app.pennylane.com/api/external/v2 */
  api: string;
  authorize: string;
  token: string;
  revoke: string;
};

export const PENNYLANE_BASE_URLS: PennylaneBaseUrls = {
  api: 'https://app.pennylane.com/api/external/v2',
  authorize: 'https://app.pennylane.com/oauth/authorize',
  token: 'https://app.pennylane.com/oauth/token',
  revoke: 'https://app.pennylane.com/oauth/revoke',
};

export interface PennylaneSimulatorOptions extends SimulatorOptions<PennylaneLimits, PennylaneBaseUrls> {
  companyId?: number;
  companyName?: string;
  /** SIREN of the company itself. */
  companyRegNo?: string;
  /** Company API tokens accepted besides OAuth (Settings → Connectivity → Developers); never expire unless revoked. */
  apiTokens?: string[];
  spreadDays?: number;
}
