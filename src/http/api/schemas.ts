// Request and response schemas of the REST API: the model's own zod schemas, plus the shapes only the API has.
import { z } from '@hono/zod-openapi';
import { Customer, Invoice } from '../../model/index.js';
import { Instalment, PauseKind, PlannedAction } from '../../model/collections.js';

export const ErrorBody = z.object({ error: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() }).openapi('Error');

/** A connection's sending switch: off for a new company until someone turns it on; who and when, for the record. */
export const SendingBody = z
  .object({
    enabled: z.boolean().openapi({ description: 'Whether reminders, letters, tasks and ERP write-backs go out; alerts to the team always do.' }),
    changedAt: z.string().nullable(),
    changedBy: z.string().nullable(),
  })
  .openapi('Sending');

export const SendingInput = z.object({ enabled: z.boolean() }).strict().openapi('SendingInput');

export const ConnectionBody = z
  .object({
    id: z.string(),
    provider: z.string(),
    externalTenantId: z.string().nullable(),
    status: z.string(),
    statusDetail: z.string().nullable(),
    lastSyncAt: z.string().nullable(),
    demo: z.boolean(),
    sending: SendingBody,
  })
  .openapi('Connection');

export const SendingChangeBody = z.object({ connectionId: z.string(), sending: SendingBody, changed: z.boolean() }).openapi('SendingChange');

export const CustomerRowBody = z
  .object({
    connectionId: z.string(),
    externalId: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    currency: z.string(),
    open: z.string(),
    overdue: z.string(),
    openInvoices: z.number().int(),
    segment: z.string(),
    activePauses: z.number().int(),
  })
  .openapi('CustomerSummary');

export const PauseBody = z
  .object({
    id: z.string(),
    connectionId: z.string(),
    kind: PauseKind,
    reason: z.string(),
    owner: z.string(),
    startsOn: z.string(),
    expiresOn: z.string().nullish(),
    customerExternalId: z.string(),
    invoiceExternalId: z.string().nullish(),
    instalments: z.array(Instalment),
    amount: z.string().nullish().openapi({ description: 'What a promise to pay promises by expiresOn (decimal string); null: the whole balance it covers.' }),
    balanceAtOpen: z.string().nullish().openapi({ description: 'The balance the promise covered when it was made.' }),
    state: z.enum(['active', 'resolved', 'broken', 'expired']),
    createdAt: z.string().nullish(),
    cancelledActions: z.number().int().optional().openapi({ description: 'On creation: planned actions the pause covered, cancelled with it.' }),
  })
  .openapi('Pause');

export const NewPauseBody = z
  .object({
    kind: PauseKind,
    reason: z.string(),
    owner: z.string(),
    startsOn: z.string().optional(),
    expiresOn: z.string().optional(),
    customerExternalId: z.string(),
    invoiceExternalId: z.string().optional(),
    instalments: z.array(z.object({ dueOn: z.string(), amount: z.string() })).optional(),
    amount: z.string().optional().openapi({ description: 'A promise to pay: the amount promised by expiresOn (decimal string, e.g. "1250.00").' }),
  })
  .openapi('NewPause');

export const CustomerDetailBody = z
  .object({ customer: Customer, invoices: z.array(Invoice), pauses: z.array(PauseBody), segment: z.string(), reasons: z.array(z.string()) })
  .openapi('CustomerDetail');

export const PreviewBody = z.object({ today: z.string(), days: z.array(z.object({ date: z.string(), actions: z.array(PlannedAction) })) }).openapi('Preview');

export const PolicyEnvelope = z.object({ version: z.number().int().nullable(), policy: z.record(z.string(), z.unknown()) }).openapi('PolicyEnvelope');

export const MappingBody = z.object({ provider: z.string(), entity: z.string(), shipped: z.string(), override: z.string().nullable() }).openapi('Mapping');

export const OutboxBody = z
  .object({ id: z.string(), kind: z.string(), state: z.string(), dueAt: z.string(), attempts: z.number().int(), lastError: z.string().nullable(), payload: z.unknown(), result: z.unknown() })
  .openapi('OutboxItem');

export const ActivityBody = z
  .object({
    id: z.string(),
    kind: z.string(),
    channel: z.string().nullable(),
    actionKey: z.string(),
    customerExternalId: z.string().nullable(),
    invoiceExternalIds: z.array(z.string()),
    reason: z.string().nullable(),
    contentHash: z.string().nullable(),
    proof: z.unknown(),
    actor: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Activity');

export const SyncBody = z.object({ queued: z.boolean(), status: z.string().nullable(), error: z.string().nullable() }).openapi('SyncResult');

export { Customer, Invoice };
