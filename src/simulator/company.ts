// A seeded small company's receivables, in provider-neutral terms: who the customers are, what was invoiced, credited and paid, and when.
// Each simulator turns the plan into its own records, so every provider's demo company tells the same kind of story.
import { addDays, daysBetween } from './ledger.js';
import { createRandom, type Random } from './prng.js';

/** How a customer pays: most pay around the due date, some a few weeks late, a few chronically late or not at all. */
export type PayerHabit = 'prompt' | 'late' | 'chronic';

export interface PlanCustomer {
  french: boolean;
  /** Trading name without its legal form ("Atelier Dubois"), and the legal form (" SARL", " Ltd" or ""). */
  trade: string;
  form: string;
  given: string;
  family: string;
  /** Absent for the few customers who receive paper only. */
  email?: string;
  phone: string;
  street: string;
  city: string;
  postalCode: string;
  /** ISO 3166 alpha-2. */
  country: 'FR' | 'GB';
  /** Payment terms in days (0: due on receipt). */
  termDays: number;
  habit: PayerHabit;
  /** Days before today that the customer was created. */
  createdDaysAgo: number;
  /** A customer with no activity (some providers let such a customer be made inactive). */
  dormant: boolean;
}

export interface PlanLine {
  /** Index into SERVICES. */
  service: number;
  description: string;
  quantity: number;
  unitMinor: number;
}

export interface PlanInvoice {
  customer: number;
  issueDate: string;
  dueDate: string;
  /** Minute of the issue day it was created (08:00–18:00), so instants are reproducible. */
  minuteOfDay: number;
  lines: PlanLine[];
  /** `draft`, `deleted` and `void` appear where the provider has them; `void` ones are never paid. */
  state: 'open' | 'draft' | 'void' | 'deleted';
  sent: boolean;
  /** The customer's purchase order, on some invoices. */
  purchaseOrder?: string;
}

export interface PlanCredit {
  customer: number;
  date: string;
  minuteOfDay: number;
  /** Net of tax, in minor units. */
  netMinor: number;
  service: number;
  /** The invoice the credit is allocated to, on `date`; absent: the credit stays available. */
  invoice?: number;
}

export interface PlanPayment {
  date: string;
  minuteOfDay: number;
  /** What the payment settles, in order: `full` pays what is due on that day, a percentage pays that share of it. */
  applies: { invoice: number; share: 'full' | number }[];
  method: 'transfer' | 'cheque' | 'unknown';
  reference?: string;
}

export interface CompanyPlan {
  today: string;
  customers: PlanCustomer[];
  invoices: PlanInvoice[];
  credits: PlanCredit[];
  /** In date order. */
  payments: PlanPayment[];
}

export interface PlanOptions {
  seed: number;
  today: string;
  customers: number;
  invoices: number;
  creditNotes: number;
  /** At most this many payments (the earliest are kept); default: as many as the customers' habits make. */
  payments?: number;
  /** Invoices are issued over this many days before today (default 180). */
  spreadDays?: number;
  /** Whether the provider keeps draft and deleted invoices as records; where it does not, those invoices are plain open ones. */
  drafts?: boolean;
  deletions?: boolean;
  /**
   * The share of open receivables that is past due, as a range the plan is brought into (default 25–40 %, a typical SME's):
   * habits alone swing it widely in a small company, where a few large invoices weigh a lot.
   */
  pastDue?: readonly [number, number];
}

export interface Service {
  name: string;
  descriptions: readonly string[];
  /** Typical unit price range in minor units. */
  min: number;
  max: number;
  /** Typical quantity range. */
  qty: readonly [number, number];
}

export const SERVICES: readonly Service[] = [
  { name: 'Conseil', descriptions: ['Mission de conseil', 'Audit organisationnel', 'Accompagnement projet'], min: 45_000, max: 120_000, qty: [1, 3] },
  { name: 'Formation', descriptions: ['Formation utilisateurs', 'Atelier collaborateurs'], min: 80_000, max: 250_000, qty: [1, 3] },
  { name: 'Maintenance annuelle', descriptions: ['Contrat de maintenance', 'Support annuel'], min: 30_000, max: 180_000, qty: [1, 3] },
  { name: 'Licence logicielle', descriptions: ['Licence annuelle', 'Abonnement logiciel'], min: 9_900, max: 49_900, qty: [1, 3] },
  { name: 'Transport', descriptions: ['Livraison', 'Transport palettes', 'Affrètement'], min: 8_500, max: 62_000, qty: [1, 3] },
  { name: 'Installation', descriptions: ['Installation sur site', 'Mise en service'], min: 25_000, max: 95_000, qty: [1, 3] },
  { name: 'Heures de développement', descriptions: ['Développement spécifique', 'Heures de développement'], min: 6_500, max: 9_500, qty: [4, 40] },
  { name: 'Fournitures', descriptions: ['Fournitures de bureau', 'Consommables'], min: 1_250, max: 18_900, qty: [1, 12] },
];

interface NamePool {
  families: readonly string[];
  given: readonly string[];
  forms: readonly string[];
  cities: readonly (readonly [string, string])[];
  streets: readonly string[];
  mailboxes: readonly string[];
}

const FR = {
  trades: ['Boulangerie', 'Atelier', 'Transports', 'Cabinet', 'Menuiserie', 'Imprimerie', 'Garage', 'Pharmacie', 'Librairie', 'Fromagerie', 'Brasserie', 'Domaine', 'Plomberie', 'Agence'],
  families: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'Fournier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Rousseau', 'Vincent', 'Mercier', 'Chevalier'],
  given: ['Camille', 'Julien', 'Sophie', 'Nicolas', 'Claire', 'Antoine', 'Élodie', 'Mathieu', 'Aurélie', 'Thomas', 'Léa', 'Hugo', 'Chloé', 'Louis'],
  forms: [' SARL', ' SAS', ' SA', ' & Fils', ''],
  cities: [['Paris', '75011'], ['Lyon', '69003'], ['Marseille', '13006'], ['Toulouse', '31000'], ['Nantes', '44000'], ['Bordeaux', '33000'], ['Lille', '59000'], ['Rennes', '35000'], ['Strasbourg', '67000'], ['Grenoble', '38000']],
  streets: ['rue de la République', 'avenue Jean Jaurès', 'boulevard Voltaire', 'rue du Moulin', 'place du Marché', 'rue Victor Hugo', 'chemin des Vignes'],
  mailboxes: ['compta', 'factures', 'contact', 'comptabilite'],
} satisfies NamePool & { trades: readonly string[] };
const EN = {
  trades: ['Logistics', 'Consulting', 'Supplies', 'Foods', 'Design', 'Engineering', 'Media', 'Traders', 'Builders', 'Analytics'],
  prefixes: ['Harbor', 'Northwind', 'Bluebell', 'Oakridge', 'Riverside', 'Summit', 'Granite', 'Silverline', 'Kestrel', 'Maple', 'Thistle', 'Copperfield'],
  families: ['Reyes', 'Smith', 'Jones', 'Taylor', 'Brown', 'Walker', 'Wright', 'Hughes', 'Evans', 'Clarke'],
  given: ['Dana', 'Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Emily', 'Jack', 'Grace', 'Noah'],
  forms: [' Ltd', ' LLP', ' Limited', ''],
  cities: [['London', 'EC1V 9HX'], ['Manchester', 'M1 4BT'], ['Bristol', 'BS1 5TR'], ['Leeds', 'LS1 4AP'], ['Edinburgh', 'EH1 1YZ']],
  streets: ['High Street', 'Station Road', 'Church Lane', 'Mill Road', 'Victoria Street'],
  mailboxes: ['accounts', 'ap', 'finance', 'invoices'],
} satisfies NamePool & { trades: readonly string[]; prefixes: readonly string[] };

/** "Atelier Dubois" → "atelier-dubois": ASCII, for email domains. */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function planCustomer(r: Random, taken: Set<string>): PlanCustomer {
  const french = r.chance(0.6);
  const pool: NamePool = french ? FR : EN;
  const family = r.pick(pool.families);
  const given = r.pick(pool.given);
  let trade = french ? `${r.pick(FR.trades)} ${family}` : `${r.pick(EN.prefixes)} ${r.pick(EN.trades)}`;
  const form = r.pick(pool.forms);
  for (let n = 2; taken.has(trade + form); n++) trade = `${trade.replace(/ \d+$/, '')} ${n}`;
  taken.add(trade + form);
  const [city, postalCode] = r.pick(pool.cities);
  const termRoll = r.next();
  const email = `${r.pick(pool.mailboxes)}@${slug(trade)}.example`;
  return {
    french,
    trade,
    form,
    given,
    family,
    ...(r.chance(0.06) ? {} : { email }),
    phone: french ? `+33 ${r.int(1, 5)} ${r.int(10, 99)} ${r.int(10, 99)} ${r.int(10, 99)} ${r.int(10, 99)}` : `+44 20 7946 0${r.int(100, 999)}`,
    street: `${r.int(1, french ? 180 : 240)} ${r.pick(pool.streets)}`,
    city,
    postalCode,
    country: french ? 'FR' : 'GB',
    termDays: termRoll < 0.6 ? 30 : termRoll < 0.75 ? 45 : termRoll < 0.85 ? 60 : termRoll < 0.95 ? 15 : 0,
    habit: 'prompt',
    createdDaysAgo: r.int(200, 720),
    dormant: false,
  };
}

/**
 * Days after the due date that a customer of this habit pays (negative: before it), or null when it never does.
 * - Prompt payers pay on or before the due date (nine invoices in ten), else a few days late: mostly within the grace
 *   a collections tool tolerates (1–3 days), rarely up to ten days. Most of the company's invoices are paid on time.
 * - Late payers pay about half their invoices on time and the rest one to four weeks late, never more than 30 days.
 * - Chronic payers pay two to eight weeks late, and one invoice in ten not at all.
 * Tuned so the product's risk segmentation (src/rules/risk.ts, default thresholds) sees prompt payers as reliable, late
 * ones mostly as "watch" and chronic ones as bad payers; test/simulator/demo-company.test.ts checks it on synced data.
 */
function paymentDelay(r: Random, habit: PayerHabit): number | null {
  if (habit === 'prompt') {
    const roll = r.next();
    return roll < 0.9 ? -r.int(0, 12) : roll < 0.97 ? r.int(1, 3) : r.int(4, 10);
  }
  if (habit === 'late') return r.chance(0.5) ? -r.int(0, 7) : r.int(4, 30);
  return r.chance(0.1) ? null : r.int(15, 60);
}

/**
 * The plan of a seeded company as of `today`: every date is counted back from it, so a company seeded on any day looks the
 * same. Invoices are spread over `spreadDays`; each customer pays by its habit. The targets, for a demo of a few hundred
 * invoices (test/simulator/company.test.ts and demo-company.test.ts hold them):
 * - most invoices are paid on or before their due date (about three in four of the paid ones);
 * - 25–40 % of open receivables (by amount) are past due (`pastDue`), and at least 60 % of that amount is 1–30 days late;
 * - about 10 % of customers are chronic late payers, so the product's risk segmentation finds mostly reliable customers.
 */
export function planCompany(o: PlanOptions): CompanyPlan {
  const r = createRandom(o.seed);
  const spread = o.spreadDays ?? 180;
  const taken = new Set<string>();
  const customers = Array.from({ length: o.customers }, () => planCustomer(r, taken));
  // A few extra customers with no activity at all, as real books keep.
  const dormant = o.customers >= 10 ? Math.max(1, Math.round(o.customers * 0.04)) : 0;
  for (let i = 0; i < dormant; i++) customers.push({ ...planCustomer(r, taken), dormant: true });
  const active = customers.map((_, i) => i).filter((i) => !customers[i]!.dormant);
  // Habits by quota, not by independent draws, so a small company is not all good or all bad payers by chance:
  // about 10 % chronic late payers, 15 % late payers, and the other 75 % prompt.
  const order = r.shuffle(active);
  order.forEach((c, k) => (customers[c]!.habit = k < Math.round(order.length * 0.1) ? 'chronic' : k < Math.round(order.length * 0.25) ? 'late' : 'prompt'));

  const invoices: PlanInvoice[] = [];
  for (let i = 0; i < o.invoices && active.length; i++) {
    // A few customers make most of the sales.
    const customer = active[Math.floor(Math.pow(r.next(), 1.6) * active.length)]!;
    const issueDate = addDays(o.today, -r.int(0, spread - 1));
    const lines: PlanLine[] = [];
    for (let n = r.int(1, 4); n > 0; n--) {
      const service = r.int(0, SERVICES.length - 1);
      const s = SERVICES[service]!;
      lines.push({ service, description: r.pick(s.descriptions), quantity: r.int(s.qty[0], s.qty[1]), unitMinor: Math.round(r.int(s.min, s.max) / 50) * 50 });
    }
    const roll = r.next();
    const state = roll < 0.03 ? 'void' : roll < 0.06 && o.drafts !== false ? 'draft' : roll >= 0.06 && roll < 0.08 && o.deletions !== false ? 'deleted' : 'open';
    invoices.push({
      customer,
      issueDate,
      dueDate: addDays(issueDate, customers[customer]!.termDays),
      minuteOfDay: r.int(8 * 60, 18 * 60 - 1),
      lines,
      state,
      sent: state === 'open' && r.chance(0.85),
      ...(r.chance(0.5) ? { purchaseOrder: `PO ${r.int(1000, 9999)}` } : {}),
    });
  }

  // Credits: most settle part of one invoice, a day to a month after it; the rest stay available.
  const open = invoices.map((_, i) => i).filter((i) => invoices[i]!.state === 'open' && invoices[i]!.issueDate < o.today);
  const credits: PlanCredit[] = [];
  const credited = new Set<number>();
  for (let i = 0; i < o.creditNotes && active.length; i++) {
    const target = open.length && r.chance(0.7) ? r.pick(open) : undefined;
    const inv = target === undefined || credited.has(target) ? undefined : invoices[target];
    if (inv && target !== undefined) credited.add(target);
    const subtotal = inv ? inv.lines.reduce((s, l) => s + l.quantity * l.unitMinor, 0) : 0;
    credits.push({
      customer: inv ? inv.customer : r.pick(active),
      date: inv ? addDays(inv.issueDate, r.int(1, Math.max(1, Math.min(30, daysBetween(inv.issueDate, o.today))))) : addDays(o.today, -r.int(0, spread - 1)),
      minuteOfDay: r.int(8 * 60, 18 * 60 - 1),
      netMinor: inv ? Math.max(100, Math.round((subtotal * r.int(10, 50)) / 100 / 100) * 100) : r.int(20, 500) * 100,
      service: r.int(0, SERVICES.length - 1),
      ...(inv && target !== undefined ? { invoice: target } : {}),
    });
  }

  // Payments by habit; a payment dated after today has not happened yet. Some pay in two instalments, some batch two invoices.
  let payments: PlanPayment[] = [];
  const method = (): Pick<PlanPayment, 'method' | 'reference'> => {
    if (!r.chance(0.45)) return { method: 'unknown' };
    return r.chance(0.7) ? { method: 'transfer', reference: `VIR-${r.int(100000, 999999)}` } : { method: 'cheque', reference: `CHQ ${r.int(1000000, 9999999)}` };
  };
  const byCustomerDay = new Map<string, PlanPayment>();
  for (const i of open) {
    const inv = invoices[i]!;
    const habit = customers[inv.customer]!.habit;
    const delay = paymentDelay(r, habit);
    if (delay === null) continue;
    let date = addDays(inv.dueDate, delay);
    if (date < inv.issueDate) date = inv.issueDate;
    // Some pay in two instalments, and a few chronic payers never pay the rest.
    const split = r.chance(0.15);
    if (split) {
      const first = addDays(inv.issueDate, Math.max(0, Math.floor(daysBetween(inv.issueDate, date) / 2)));
      if (first <= o.today) payments.push({ date: first, minuteOfDay: r.int(8 * 60, 18 * 60 - 1), applies: [{ invoice: i, share: r.int(20, 80) }], ...method() });
    }
    if (date > o.today || (split && habit === 'chronic' && r.chance(0.3))) continue;
    // One transfer for two invoices of the same customer paid the same day.
    const key = `${inv.customer}:${date}`;
    const batch = byCustomerDay.get(key);
    if (batch && !split) {
      batch.applies.push({ invoice: i, share: 'full' });
      continue;
    }
    const p: PlanPayment = { date, minuteOfDay: r.int(8 * 60, 18 * 60 - 1), applies: [{ invoice: i, share: 'full' }], ...method() };
    byCustomerDay.set(key, p);
    payments.push(p);
  }
  calibrate(r, o.today, customers, invoices, credits, payments, o.pastDue ?? [0.25, 0.4]);
  payments.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.minuteOfDay - b.minuteOfDay));
  if (o.payments !== undefined && payments.length > o.payments) payments = payments.slice(0, o.payments);
  return { today: o.today, customers, invoices, credits, payments };
}

/** What each open invoice still owes (net of tax, minor units) after the plan's credits, then its payments in date order. */
function residuals(invoices: readonly PlanInvoice[], credits: readonly PlanCredit[], payments: readonly PlanPayment[]): Map<number, number> {
  const owed = new Map<number, number>();
  invoices.forEach((inv, i) => inv.state === 'open' && owed.set(i, inv.lines.reduce((s, l) => s + l.quantity * l.unitMinor, 0)));
  for (const c of credits) if (c.invoice !== undefined && owed.has(c.invoice)) owed.set(c.invoice, Math.max(0, owed.get(c.invoice)! - c.netMinor));
  const dated = [...payments].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.minuteOfDay - b.minuteOfDay));
  for (const p of dated) for (const a of p.applies) owed.set(a.invoice, a.share === 'full' ? 0 : Math.round((owed.get(a.invoice)! * (100 - a.share)) / 100));
  return owed;
}

/** Past-due amounts up to this many days late are "recent": the first aging bucket (1–30 days). */
const RECENT_DAYS = 30;
/** The least share of the past-due amount that is recent: a real SME's past due is mostly a few weeks late. */
const RECENT_SHARE = 0.6;

/**
 * Brings the plan to its targets: the past-due share of open receivables into `[lo, hi]`, and at least RECENT_SHARE of
 * the past-due amount 1–30 days late. Two moves, each of which also makes what is past due younger:
 * - too little past due: the latest payments on invoices that fell due in the last 30 days have not arrived yet (late
 *   payments first; on-time ones only when those run out), so those invoices are now 1–30 days late;
 * - too much past due, or too much of it old: the oldest past-due invoices were paid after all, as late as the customer's
 *   habit makes it (never after today).
 * Each round moves invoices until the running figures meet the targets, then the residuals are computed again.
 */
function calibrate(
  r: Random,
  today: string,
  customers: readonly PlanCustomer[],
  invoices: readonly PlanInvoice[],
  credits: readonly PlanCredit[],
  payments: PlanPayment[],
  [lo, hi]: readonly [number, number],
): void {
  for (let round = 0; round < 8; round++) {
    const owed = residuals(invoices, credits, payments);
    let open = 0;
    let pastDue = 0;
    let young = 0;
    for (const [i, amount] of owed) {
      open += amount;
      const late = daysBetween(invoices[i]!.dueDate, today);
      if (late > 0) pastDue += amount;
      if (late > 0 && late <= RECENT_DAYS) young += amount;
    }
    const share = () => (open > 0 ? pastDue / open : 0);
    const youngEnough = () => young >= RECENT_SHARE * pastDue;
    const done = () => share() >= lo && share() <= hi && youngEnough();
    if (done()) return;
    if (share() < lo || (!youngEnough() && share() <= (lo + hi) / 2)) {
      const candidates = payments
        .flatMap((p) => p.applies.map((a) => ({ p, a, due: invoices[a.invoice]!.dueDate })))
        .filter(({ a, due }) => a.share === 'full' && daysBetween(due, today) >= 1 && daysBetween(due, today) <= RECENT_DAYS)
        .sort((x, y) => Number(y.p.date > y.due) - Number(x.p.date > x.due) || (x.p.date < y.p.date ? 1 : x.p.date > y.p.date ? -1 : 0));
      for (const { p, a } of candidates) {
        if (done() || share() > hi) break;
        const amount = owed.get(a.invoice) === 0 ? invoices[a.invoice]!.lines.reduce((s, l) => s + l.quantity * l.unitMinor, 0) : 0;
        p.applies.splice(p.applies.indexOf(a), 1);
        if (!p.applies.length) payments.splice(payments.indexOf(p), 1);
        open += amount;
        pastDue += amount;
        young += amount;
      }
    } else {
      const overdue = [...owed].filter(([i, amount]) => amount > 0 && invoices[i]!.dueDate < today).sort(([a], [b]) => (invoices[a]!.dueDate < invoices[b]!.dueDate ? -1 : 1));
      for (const [i, amount] of overdue) {
        if (done() || share() < lo) break;
        const inv = invoices[i]!;
        const age = daysBetween(inv.dueDate, today);
        const delay = Math.min(Math.max(1, paymentDelay(r, customers[inv.customer]!.habit) ?? r.int(20, 70)), age);
        payments.push({ date: addDays(inv.dueDate, delay), minuteOfDay: r.int(8 * 60, 18 * 60 - 1), applies: [{ invoice: i, share: 'full' }], method: 'transfer', reference: `VIR-${r.int(100000, 999999)}` });
        open -= amount;
        pastDue -= amount;
        if (age <= RECENT_DAYS) young -= amount;
      }
    }
  }
}
