// Internal records of the simulated Xero organisation (amounts in integer cents) and the public option types.
import type { SimulatorOptions } from '../../../src/simulator/types.js';

export const ENTITIES = ['Contact', 'Invoice', 'CreditNote', 'Payment'] as const;
export type EntityName = (typeof ENTITIES)[number];

/** Accepts Xero names ("CreditNote", "Invoices") and normalized-model names ("credit_note", "customer"). */
export function entityName(name: string): EntityName | undefined {
  const key = name.replace(/[_\s-]/g, '').toLowerCase().replace(/s$/, '');
  if (key === 'customer') return 'Contact';
  return ENTITIES.find((e) => e.toLowerCase() === key);
}

export interface HistoryRec {
  changes: string;
  details: string;
  user: string;
  ms: number;
}

interface Base {
  id: string;
  /** Creation order, the default list order. */
  num: number;
  createMs: number;
  updatedMs: number;
  history: HistoryRec[];
  /** Set by faults.corrupt(): the record renders a malformed amount. */
  corrupt?: boolean;
}

export interface ContactRec extends Base {
  kind: 'Contact';
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  contactNumber?: string;
  accountNumber?: string;
  /** Contact.CompanyNumber, "Company registration number" (XeroAPI/xero-python PR #67). */
  companyNumber?: string;
  status: 'ACTIVE' | 'ARCHIVED';
  isSupplier: boolean;
  currency?: string;
  city: string;
  postalCode: string;
  country: string;
  street: string;
  phone: string;
  invoices: InvoiceRec[];
}

export interface LineRec {
  id: string;
  description: string;
  quantity: number;
  unitCents: number;
  lineCents: number;
  taxCents: number;
  accountCode: string;
  taxType: string;
}

export type DocStatus = 'DRAFT' | 'SUBMITTED' | 'AUTHORISED' | 'PAID' | 'VOIDED' | 'DELETED';

interface Document extends Base {
  number: string;
  reference: string;
  contact: ContactRec;
  /** Business dates, YYYY-MM-DD. */
  date: string;
  lines: LineRec[];
  subCents: number;
  taxCents: number;
  totalCents: number;
  /** The stored status; PAID is derived from amounts when AUTHORISED (see Store.status). */
  status: DocStatus;
  currency: string;
  fullyPaidMs?: number;
}

export interface InvoiceRec extends Document {
  kind: 'Invoice';
  type: 'ACCREC' | 'ACCPAY';
  dueDate?: string;
  expectedPaymentDate?: string;
  sentToContact: boolean;
  payments: PaymentRec[];
  allocations: AllocationRec[];
}

export interface CreditNoteRec extends Document {
  kind: 'CreditNote';
  type: 'ACCRECCREDIT' | 'ACCPAYCREDIT';
  allocations: AllocationRec[];
}

export interface AllocationRec {
  id: string;
  cents: number;
  date: string;
  invoice: InvoiceRec;
  creditNote: CreditNoteRec;
  isDeleted: boolean;
}

export interface PaymentRec extends Base {
  kind: 'Payment';
  invoice: InvoiceRec;
  date: string;
  cents: number;
  reference: string;
  status: 'AUTHORISED' | 'DELETED';
  isReconciled: boolean;
}

export type AnyRec = ContactRec | InvoiceRec | CreditNoteRec | PaymentRec;
export type RecOf<E extends EntityName> = Extract<AnyRec, { kind: E }>;

/** Webhook categories Xero documents (xero-webhooks.yaml); there is none for payments. */
export type EventCategory = 'INVOICE' | 'CONTACT' | 'CREDITNOTE';

/** One event of a webhook delivery; missing fields are filled from the simulator (tenant, clock, URL). */
export interface WebhookEventInput {
  resourceId: string;
  eventCategory?: EventCategory | 'SUBSCRIPTION';
  /** Alternative to eventCategory: an entity name ("Invoice", "contact", "credit_note"). */
  entity?: string;
  eventType?: 'CREATE' | 'UPDATE';
  /** ISO instant; defaults to the simulator clock. Rendered without the `Z`, as Xero does. */
  eventDateUtc?: string;
  tenantId?: string;
  tenantType?: 'ORGANISATION' | 'PRACTICE' | 'APPLICATION';
  data?: Record<string, unknown>;
}

/** Documented limits (developer.xero.com/documentation/guides/oauth2/limits, OAuth 2.0 FAQ); tests shrink them. */
export interface XeroLimits {
  /** Calls in progress at once per tenant. */
  concurrent: number;
  /** Calls per rolling minute per tenant. */
  perMinute: number;
  /** Calls per rolling 24 hours per tenant. */
  perDay: number;
  /** Calls per rolling minute for the whole app, all tenants together. */
  appPerMinute: number;
  /** Default and largest honoured `pageSize` (larger values are capped). */
  defaultPageSize: number;
  maxPageSize: number;
  accessTokenTtlSec: number;
  /** An unused refresh token expires after this long (60 days). */
  refreshTokenTtlSec: number;
  /** A superseded refresh token keeps working this long after its first use (30 minutes). */
  refreshGraceSec: number;
  authCodeTtlSec: number;
  /** History note `Details` limit. */
  historyDetailsMax: number;
}

export const DOCUMENTED_LIMITS: XeroLimits = {
  concurrent: 5,
  perMinute: 60,
  perDay: 5000,
  appPerMinute: 10_000,
  defaultPageSize: 100,
  maxPageSize: 1000,
  accessTokenTtlSec: 1800,
  refreshTokenTtlSec: 60 * 86_400,
  refreshGraceSec: 1800,
  authCodeTtlSec: 300,
  historyDetailsMax: 250,
};

export type XeroBaseUrls = {
  /** Accounting API root; paths are `${api}/Invoices` … */
  api: string;
  /** `GET ${connections}` lists tenants; `DELETE ${connections}/{id}` disconnects one. */
  connections: string;
  authorize: string;
  token: string;
  revoke: string;
};

export const XERO_BASE_URLS: XeroBaseUrls = {
  api: 'https://api.xero.com/api.xro/2.0',
  connections: 'https://api.xero.com/connections',
  authorize: 'https://login.xero.com/identity/connect/authorize',
  token: 'https://identity.xero.com/connect/token',
  revoke: 'https://identity.xero.com/connect/revocation',
};

/**
 * Xero's developer pricing tiers (2 March 2026): the daily call limit per organisation depends on the app's tier, 1,000
 * on Starter and 5,000 above it (Accounting Today, "Xero shifts to tiered pricing model for developers"; Xero's own tier
 * table, developer.xero.com/pricing, was only partly read: UNCONFIRMED there). The headers tell the client either way.
 */
export const TIER_LIMITS = { starter: { perDay: 1000 }, standard: { perDay: 5000 } } as const satisfies Record<string, Partial<XeroLimits>>;
export type XeroTier = keyof typeof TIER_LIMITS;

/** `customers` are customer contacts (suppliers for the bills come on top), `invoices` ACCREC, `creditNotes` ACCRECCREDIT. */
export interface XeroSimulatorOptions extends SimulatorOptions<XeroLimits, XeroBaseUrls> {
  /** The app's pricing tier, which sets the daily limit (default `standard`); `limits` still overrides it. */
  tier?: XeroTier;
  /** ACCPAY bills (default 10 % of invoices): present so the connector proves it ignores them. */
  bills?: number;
  tenantId?: string;
  tenantName?: string;
  /** Shown as `ProviderName` in every response (the app's name). */
  appName?: string;
  /** ISO 4217 base currency (default EUR). */
  currency?: string;
  /** VAT rate on seeded lines, percent (default 20). */
  taxPercent?: number;
  /** Days before the clock over which invoice dates are spread (default 180). */
  spreadDays?: number;
}
