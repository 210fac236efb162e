// What every simulator's scenario section shares: a hook in front of the provider's API (a racing edit) and amounts as decimal strings.
import { http, type HttpHandler } from 'msw';
import { fromMinorUnits } from '../model/money.js';
import type { ProviderScenario, WebhookDelivery } from './types.js';

export interface ScenarioHooks {
  /** Placed before the provider's own handlers, on every path under the API base; it never answers, only falls through. */
  handler: HttpHandler;
  /**
   * The next write (any method but GET) first runs the user's edit, then reaches the provider's handler, which sees
   * the edited record: the race write-back meets when a user saves the invoice between our read and our write.
   */
  armEdit(edit: () => void): void;
}

export function scenarioHooks(apiBase: string): ScenarioHooks {
  let edit: (() => void) | null = null;
  const handler = http.all(`${apiBase}/*`, ({ request }) => {
    if (edit && request.method !== 'GET') {
      const run = edit;
      edit = null;
      run();
    }
    return undefined;
  });
  return {
    handler,
    armEdit(e) {
      edit = e;
    },
  };
}

/** Integer minor units as the decimal string the normalized model uses: 12050 EUR → "120.50". */
export const decimal = (minor: number, currency: string): string => fromMinorUnits(BigInt(minor), currency);

/** A signed delivery of the events changes left since the last drain, or null when there are none. */
export function pendingDelivery<E>(webhooks: { drain(): E[]; build(events: E[]): WebhookDelivery }): WebhookDelivery | null {
  const events = webhooks.drain();
  return events.length ? webhooks.build(events) : null;
}

/** A payment every provider lets a user delete: 10.00 on the last open invoice. */
export function deletablePayment(scenario: Pick<ProviderScenario, 'openInvoices' | 'pay'>): string {
  const open = scenario.openInvoices();
  const target = open[open.length - 1];
  if (!target) throw new Error('no open invoice to pay');
  return scenario.pay(target, '10.00');
}
