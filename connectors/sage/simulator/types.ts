// Internal records of a simulated Sage Accounting business (amounts in integer pence/cents) and the public option types.
import type { SimulatorOptions } from '../../../src/simulator/types.js';

interface Base {
  /** 32-character lower-case hex, as Sage's ids are. */
  id: string;
  createdMs: number;
  updatedMs: number;
  /** Set when the record was deleted: it leaves every list and shows up under `deleted_since`. */
  deletedMs: number | null;
  /** Set by faults.corrupt(): the record renders a malformed amount. */
  corrupt?: boolean;
}

export interface ContactRec extends Base {
  kind: 'contact';
  name: string;
  reference: string;
  types: ('CUSTOMER' | 'VENDOR')[];
  email: string | null;
  person: { id: string; name: string; email: string | null } | null;
  phone: string | null;
  address: { line1: string; city: string; postalCode: string; country: string };
  currency: 'GBP' | 'EUR';
  creditDays: number | null;
  creditLimitCents: number | null;
  notes: string | null;
  taxNumber: string | null;
  locale: string;
}

export interface LineRec {
  id: string;
  description: string;
  quantity: number;
  unitCents: number;
  netCents: number;
  taxCents: number;
  /** Sage's UK tax rate ids (GB_STANDARD 20 %, GB_ZERO, GB_EXEMPT). */
  taxRate: 'GB_STANDARD' | 'GB_ZERO' | 'GB_EXEMPT';
}

/** A sales invoice or a sales credit note: Sage calls both artefacts and gives them the same shape. */
export interface ArtefactRec extends Base {
  kind: 'invoice' | 'credit_note';
  number: string;
  contact: ContactRec;
  date: string;
  dueDate: string;
  reference: string | null;
  notes: string | null;
  currency: 'GBP' | 'EUR';
  lines: LineRec[];
  netCents: number;
  taxCents: number;
  totalCents: number;
  draft: boolean;
  voidReason: string | null;
  sent: boolean;
  attachments: AttachmentRec[];
}

export interface PaymentRec extends Base {
  kind: 'payment';
  contact: ContactRec;
  date: string;
  reference: string | null;
  currency: 'GBP' | 'EUR';
  totalCents: number;
  /** What the receipt pays, invoice by invoice; the rest is a payment on account. */
  allocated: { id: string; artefact: ArtefactRec; cents: number }[];
}

/** A contact allocation (CUSTOMER_ALLOCATION): lines that sum to zero, + on the invoice, − on the credit note or payment on account. */
export interface AllocationRec extends Base {
  kind: 'allocation';
  contact: ContactRec;
  date: string;
  lines: { id: string; artefact: ArtefactRec | PaymentRec; cents: number }[];
}

export interface AttachmentRec extends Base {
  kind: 'attachment';
  contextType: string;
  contextId: string;
  fileName: string;
  mimeType: string;
  description: string;
  isPublic: boolean;
  sizeBytes: number;
  /** The file's text when it is text (tests read what was attached). */
  text: string;
}

export interface BusinessRec {
  id: string;
  name: string;
  country: 'GB' | 'IE';
  currency: 'GBP' | 'EUR';
  createdMs: number;
}

export interface SageLimits {
  /**
   * Sage documents 429 "Too Many Requests" (guides/concepts/response_codes) but publishes no numbers. The simulator
   * enforces 100 requests a minute per business, a third-party claim (reference B6: UNCONFIRMED), and answers
   * Retry-After in seconds (UNCONFIRMED: third-party tests mock it).
   */
  perMinute: number;
  concurrent: number;
  /** Default and largest `items_per_page` (20 and 200). */
  defaultPageSize: number;
  maxPageSize: number;
  /** The code is single-use and lives 60 s (reference B1). */
  authCodeTtlSec: number;
  /** `expires_in: 300`. */
  accessTokenTtlSec: number;
  /** `refresh_token_expires_in: 2678400` (31 days), rotating on every use. */
  refreshTokenTtlSec: number;
  refreshGraceSec: number;
}

export const DOCUMENTED_LIMITS: SageLimits = {
  perMinute: 100,
  concurrent: 10,
  defaultPageSize: 20,
  maxPageSize: 200,
  authCodeTtlSec: 60,
  accessTokenTtlSec: 300,
  refreshTokenTtlSec: 31 * 86_400,
  refreshGraceSec: 0,
};

export type SageBaseUrls = {
  /** https://api.accounting.sage.com/v3.1 */
  api: string;
  authorize: string;
  token: string;
  revoke: string;
};

export const SAGE_BASE_URLS: SageBaseUrls = {
  api: 'https://api.accounting.sage.com/v3.1',
  authorize: 'https://www.sageone.com/oauth2/auth/central',
  token: 'https://oauth.accounting.sage.com/token',
  revoke: 'https://oauth.accounting.sage.com/revoke',
};

export interface SageSimulatorOptions extends SimulatorOptions<SageLimits, SageBaseUrls> {
  /** Invoices are issued over this many days before today (default 180). */
  spreadDays?: number;
  /** The consenting user's other business: a small Irish one (EUR), to pick from at connect time (default true). */
  secondBusiness?: boolean;
}
