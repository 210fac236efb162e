// Which pause, if any, holds a planned action on the day it would go out. The rules engine never plans what a pause
// suppresses (evaluate.ts); this answers the same question for actions planned BEFORE the pause was opened, so
// opening a pause cancels them (store/pauses.ts) and the executor never sends one a pause now covers (executor.ts).
import type { Pause, PlannedAction } from '../model/collections.js';

/** A pause runs from startsOn to expiresOn inclusive; no expiresOn means until someone removes it. */
export const activeOn = (p: Pick<Pause, 'startsOn' | 'expiresOn'>, day: string): boolean => p.startsOn <= day && (!p.expiresOn || day <= p.expiresOn);

type Covered = Pick<PlannedAction, 'customerExternalId' | 'invoices'>;

/**
 * The first pause that holds `action` on `day`, or null. A dispute, promise or hold holds every action for its invoice
 * (instalment reminders of that invoice included) or, without an invoice, every action for its customer. A payment
 * plan replaces the invoice's own dunning by its instalments: it holds the invoice's ordinary reminders, not the
 * instalment reminders. A grouped action listing one held invoice is held whole: its letter would name that invoice.
 */
export function pauseHolding<P extends Pause>(action: Covered, pauses: readonly P[], day: string): P | null {
  for (const p of pauses) {
    if (p.customerExternalId !== action.customerExternalId || !activeOn(p, day)) continue;
    if (p.kind === 'payment_plan') {
      if (action.invoices.some((l) => !l.instalmentOf && l.externalId === p.invoiceExternalId)) return p;
      continue;
    }
    if (!p.invoiceExternalId) return p;
    if (action.invoices.some((l) => (l.instalmentOf ?? l.externalId) === p.invoiceExternalId)) return p;
  }
  return null;
}
