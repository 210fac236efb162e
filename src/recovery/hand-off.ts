// Hand-off of a recovery file (issue #25 point 4, first part): the invoices handed to a court, a commissaire de
// justice or a solicitor are no longer dunned. Each gets an open-ended hold pause (one per invoice, so paying or
// withdrawing one invoice does not release the others); opening it cancels what was already planned for it, and the
// evaluator and the executor both respect it; the hand-off is written back to the books. What happens next is a
// recovery case (cases.ts), whose steps are written back too.
import { createHash } from 'node:crypto';
import type { Sql } from '../store/db.js';
import { planActions } from '../store/outbox.js';
import { openPause } from '../store/pauses.js';

export interface HandOff {
  customerExternalId: string;
  invoiceExternalIds: string[];
  /** To whom the file went, in the user's words (a court, a commissaire de justice, a solicitor). */
  to: string;
  /** Who handed it off, as pauses record their owner. */
  actor: string;
  /** Business date of the hand-off. */
  on: string;
  /** Language of the file, and so of the pause reason and of what the books say (default French). */
  language?: 'fr' | 'en';
}

const HANDED_OFF = { fr: 'Dossier de recouvrement remis : ', en: 'Recovery file handed to: ' } as const;

export async function handOffRecovery(sql: Sql, tenantId: string, connectionId: string, h: HandOff): Promise<{ pauseIds: string[]; cancelledActions: number }> {
  if (h.invoiceExternalIds.length === 0) throw new Error('no invoice to hand off');
  if (!h.to.trim()) throw new Error('say to whom the file was handed');
  const pauseIds: string[] = [];
  let cancelledActions = 0;
  const said = `${HANDED_OFF[h.language ?? 'fr']}${h.to.trim()}`;
  for (const invoiceExternalId of [...new Set(h.invoiceExternalIds)]) {
    const p = await openPause(sql, tenantId, connectionId, { kind: 'hold', reason: said, owner: h.actor, startsOn: h.on, expiresOn: null, customerExternalId: h.customerExternalId, invoiceExternalId, instalments: [] }, h.actor);
    pauseIds.push(p.id);
    cancelledActions += p.cancelledActions;
  }
  // The hand-off is written back to the books on each invoice (the connector's collections status, as a reminder's
  // is), through the outbox: once, whatever the retries, and held like any write-back while sending is off.
  const invoices = [...new Set(h.invoiceExternalIds)].sort();
  const key = `${tenantId}|handoff|${connectionId}|${h.customerExternalId}|${h.on}|${createHash('sha256').update(invoices.join(',')).digest('hex').slice(0, 16)}`;
  const action = {
    idempotencyKey: key, tenantId, customerExternalId: h.customerExternalId, stepId: 'handoff', channel: 'handoff', dueOn: h.on,
    explain: said.slice(0, 200), invoices: invoices.map((externalId) => ({ externalId })),
  };
  await planActions(sql, tenantId, [{ idempotencyKey: `${key}|writeback`, kind: 'writeback', dueAt: new Date().toISOString(), payload: { action, proof: { handedTo: h.to.trim(), by: h.actor } }, connectionId }]);
  return { pauseIds, cancelledActions };
}
