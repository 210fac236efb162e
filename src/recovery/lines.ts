// How the recovery file and the insolvency declaration print a debtor's address and name a sent reminder.
import { isFormalTemplate } from '../actions/templates/catalog.js';
import type { Customer } from '../model/index.js';
import type { SentReminder } from '../store/outbox.js';

/** The customer's postal address as printed lines; empty when the books have none. */
export function addressLines(c: Customer): string[] {
  const a = c.address;
  if (!a) return [];
  return [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.country].filter((x): x is string => !!x && x.trim() !== '');
}

/** A sent reminder as a document list names it ("Mise en demeure", "Relance par courriel"...). */
export function reminderLabel(r: Pick<SentReminder, 'templateId' | 'kind'>, fr: boolean): string {
  const formal = r.templateId ? isFormalTemplate(r.templateId) : false;
  if (fr) return formal ? (r.kind === 'letter' ? 'Mise en demeure' : 'Mise en demeure par courriel') : r.kind === 'letter' ? 'Lettre de relance' : 'Relance par courriel';
  return formal ? 'Letter before action' : r.kind === 'letter' ? 'Reminder letter' : 'Reminder e-mail';
}
