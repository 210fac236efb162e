// The two shipped dunning policies: French B2B (relances → mise en demeure → injonction de payer) and English/UK.
import { parsePolicy, type Policy } from './policy.js';

/** French B2B ladder (law reference §3): penalties are owed from D+1 without notice, so the firm reminder states them. */
export const FRENCH_B2B_POLICY: Policy = parsePolicy({
  id: 'fr-b2b',
  version: 1,
  name: 'Relances B2B (France)',
  language: 'fr',
  calendar: 'FR',
  groupBy: 'customer_currency',
  catchUp: { startAt: 'reminder-1' },
  minAmount: '0',
  sendWindow: { startHour: 9, endHour: 17, businessDaysOnly: true },
  penalties: { jurisdiction: 'FR', debtor: 'business' },
  steps: [
    { id: 'courtesy', name: 'Rappel de courtoisie', offset: { days: -3 }, channel: 'email', templateId: 'fr.courtesy', graceDays: 2 },
    { id: 'reminder-1', name: 'Relance 1', offset: { days: 1 }, channel: 'email', templateId: 'fr.reminder-1' },
    { id: 'reminder-2', name: 'Relance 2', offset: { days: 8 }, channel: 'email', templateId: 'fr.reminder-2' },
    { id: 'firm', name: 'Relance ferme chiffrée (pénalités + 40 €)', offset: { days: 15 }, channel: 'email', templateId: 'fr.firm-penalties', includePenalties: true },
    { id: 'formal-notice', name: 'Mise en demeure (LRAR)', offset: { days: 30 }, channel: 'letter', templateId: 'fr.mise-en-demeure', includePenalties: true, deadlineDays: 8, minAmount: '50.00', forInstalments: false },
    { id: 'handoff', name: 'Agence ou injonction de payer', offset: { days: 45 }, channel: 'handoff', templateId: 'fr.handoff-injonction', includePenalties: true, minAmount: '50.00', forInstalments: false },
  ],
});

/** English / UK ladder under the Late Payment of Commercial Debts (Interest) Act 1998. */
export const UK_POLICY: Policy = parsePolicy({
  id: 'uk-b2b',
  version: 1,
  name: 'Credit control (UK)',
  language: 'en',
  calendar: 'UK',
  groupBy: 'customer_currency',
  catchUp: { startAt: 'reminder-1' },
  minAmount: '0',
  sendWindow: { startHour: 9, endHour: 17, businessDaysOnly: true },
  penalties: { jurisdiction: 'UK', debtor: 'business' },
  steps: [
    { id: 'courtesy', name: 'Friendly pre-due reminder', offset: { days: -3 }, channel: 'email', templateId: 'en.courtesy', graceDays: 2 },
    { id: 'reminder-1', name: 'Payment overdue', offset: { days: 1 }, channel: 'email', templateId: 'en.reminder-1' },
    { id: 'reminder-2', name: 'Second reminder', offset: { days: 8 }, channel: 'email', templateId: 'en.reminder-2' },
    { id: 'firm', name: 'Final reminder with statutory interest and fixed sum', offset: { days: 15 }, channel: 'email', templateId: 'en.final-statutory-interest', includePenalties: true },
    { id: 'call', name: 'Credit-control call', offset: { days: 22 }, channel: 'call', templateId: 'en.call-script', forInstalments: false },
    { id: 'letter-before-action', name: 'Letter before action', offset: { days: 30 }, channel: 'letter', templateId: 'en.letter-before-action', includePenalties: true, deadlineDays: 14, minAmount: '50.00', forInstalments: false },
    { id: 'handoff', name: 'Debt collection agency or small claims', offset: { days: 60 }, channel: 'handoff', templateId: 'en.handoff', includePenalties: true, minAmount: '50.00', forInstalments: false },
  ],
});

export const DEFAULT_POLICIES: readonly Policy[] = [FRENCH_B2B_POLICY, UK_POLICY];
