// Internal records of the simulated QuickBooks company (amounts in integer minor units) and the public option types.
import type { SimulatorOptions } from '../../../src/simulator/types.js';

export const ENTITIES = ['Customer', 'Invoice', 'CreditMemo', 'Payment'] as const;
export type EntityName = (typeof ENTITIES)[number];

/** Accepts the entity as Intuit names it ("CreditMemo") or as a URL segment ("creditmemo", "credit_memo"). */
export function entityName(name: string): EntityName | undefined {
  const key = name.replace(/[_-]/g, '').toLowerCase();
  return ENTITIES.find((e) => e.toLowerCase() === key);
}

export interface Address {
  id: string;
  line1: string;
  city: string;
  postalCode: string;
  country: string;
}

interface Base {
  id: string;
  /** Numeric id, for ORDERBY Id and id-ordered arrays. */
  num: number;
  syncToken: number;
  createMs: number;
  /** LastUpdatedTime, whole seconds (Intuit's resolution). */
  updatedMs: number;
  /** Set by faults.corrupt(): the record renders with a malformed amount. */
  corrupt?: boolean;
}

export interface CustomerRec extends Base {
  kind: 'Customer';
  displayName: string;
  companyName?: string;
  givenName: string;
  familyName: string;
  email?: string;
  phone?: string;
  addr: Address;
  active: boolean;
  currency: string;
  termId: string;
  notes?: string;
  v4: string;
  preferredDelivery: 'Email' | 'Print' | 'None';
  balance: number;
  invoices: InvoiceRec[];
  creditMemos: CreditMemoRec[];
  payments: PaymentRec[];
}

export interface LineRec {
  description: string;
  itemId: string;
  unit: number;
  qty: number;
  amount: number;
}

export interface CustomFieldRec {
  definitionId: string;
  name: string;
  value: string;
}

interface SalesForm extends Base {
  docNumber: string;
  txnDate: string;
  customer: CustomerRec;
  lines: LineRec[];
  tax: number;
  total: number;
  privateNote?: string;
  customerMemo?: string;
  customFields: CustomFieldRec[];
  emailStatus: 'NotSet' | 'NeedToSend' | 'EmailSent';
  voided: boolean;
  /** Payments whose lines point at this form (for Invoice.LinkedTxn and balances). */
  links: PaymentRec[];
}

export interface InvoiceRec extends SalesForm {
  kind: 'Invoice';
  dueDate: string;
  termId: string;
  balance: number;
  billEmail?: string;
  deliveryMs?: number;
}

export interface CreditMemoRec extends SalesForm {
  kind: 'CreditMemo';
  remaining: number;
}

export interface PaymentLineRec {
  amount: number;
  target: InvoiceRec | CreditMemoRec;
}

export interface PaymentRec extends Base {
  kind: 'Payment';
  txnDate: string;
  customer: CustomerRec;
  total: number;
  lines: PaymentLineRec[];
  refNum?: string;
  methodId?: string;
  privateNote?: string;
  voided: boolean;
}

export type AnyRec = CustomerRec | InvoiceRec | CreditMemoRec | PaymentRec;
export type RecOf<E extends EntityName> = Extract<AnyRec, { kind: E }>;

export type WebhookOperation = 'Create' | 'Update' | 'Delete' | 'Merge' | 'Void' | 'Emailed';

/** One entity change as Intuit's webhooks describe it. */
export interface WebhookEvent {
  name: EntityName | string;
  id: string;
  operation: WebhookOperation;
  /** ISO instant; defaults to the simulator clock. */
  lastUpdated?: string;
  /** Merge only: the losing id. */
  deletedId?: string;
  /** Defaults to the simulator's realm (a CloudEvents delivery may mix realms). */
  realmId?: string;
}

/** Documented limits (learn/limits-and-throttles, OAuth FAQ, CDC page); tests override them with small numbers. */
export interface QboLimits {
  /** Requests per minute per realm. */
  perMinute: number;
  /** Requests per second per realm + app. */
  perSecond: number;
  /** Concurrent requests per realm + app. */
  concurrent: number;
  /** Largest MAXRESULTS honoured (larger values are silently capped). */
  maxResults: number;
  /** Objects in one CDC response, all entities together. */
  cdcMaxObjects: number;
  cdcLookbackDays: number;
  accessTokenTtlSec: number;
  /** Rolling refresh-token lifetime, renewed on each use. */
  refreshTokenTtlSec: number;
  /** A refresh token's value changes once it is this old (Intuit: about every 24 h); 0 = on every refresh. */
  refreshRotationSec: number;
  /** A superseded refresh token keeps working this long after its successor was issued. */
  refreshGraceSec: number;
  authCodeTtlSec: number;
}

export const DOCUMENTED_LIMITS: QboLimits = {
  perMinute: 500,
  perSecond: 10,
  concurrent: 10,
  maxResults: 1000,
  cdcMaxObjects: 1000,
  cdcLookbackDays: 30,
  accessTokenTtlSec: 3600,
  refreshTokenTtlSec: 8_726_400,
  refreshRotationSec: 86_400,
  refreshGraceSec: 86_400,
  authCodeTtlSec: 600,
};

export type QboBaseUrls = {
  /** Data API host; paths are `${api}/v3/company/{realmId}/…`. */
  api: string;
  authorize: string;
  token: string;
  revoke: string;
};

export const INTUIT_BASE_URLS: QboBaseUrls = {
  api: 'https://quickbooks.api.intuit.com',
  authorize: 'https://appcenter.intuit.com/connect/oauth2',
  token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
  revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
};

export interface QuickBooksSimulatorOptions extends SimulatorOptions<QboLimits, QboBaseUrls> {
  realmId?: string;
  /** ISO 4217 home currency of the company (default EUR). */
  homeCurrency?: string;
  /** IANA zone of MetaData/`time` instants; Intuit's US sandbox answers in US Pacific (recorded data). */
  timeZone?: string;
  /** VAT rate applied to seeded lines, in percent (default 20 for EUR, else 0). */
  taxPercent?: number;
  /** Legacy custom fields defined in the company (default one string field, DefinitionId "1"). */
  customFieldDefinitions?: { DefinitionId: string; Name: string }[];
  /** Default payload format of webhooks.build (Intuit made CloudEvents mandatory in 2026). */
  webhookFormat?: 'classic' | 'cloudevents';
}
