// The claim in insolvency proceedings (#27 point 4): a pre-filled French déclaration de créance, or an English proof
// of debt, with the amounts at the date of the opening judgment (or of the insolvency), exact to the cent.
//
// The amounts come from the claim statement (recovery/claim-statement.ts), i.e. from the penalty engine, with the
// interest date set to the judgment date. Legal points, checked with public sources (reference, not advice):
// - France. The declaration states the claim due on the day of the opening judgment, with the sums not yet due and
//   their due dates, and the nature of any privilege or security; unless it rests on an enforceable title, the
//   creditor certifies it sincere (C. com. L622-25). It carries the proof of the claim and the details of any
//   security, and the supporting documents are joined under a list (bordereau) (R622-23). The opening judgment stops
//   statutory and contractual interest and all late-payment interest for good (L622-28), so no interest is counted
//   after it. Deadline: two months from the publication of the opening judgment in the BODACC, four months for a
//   creditor who does not live in metropolitan France when the court sits there (R622-24; french-business-law.com
//   "article-r622-24", faqdedroit.fr). A seller under retention of title must also claim the goods within three
//   months of that publication (L624-9, L624-16).
//   The opening judgment takes effect from its date (R621-4, R631-7, R641-1), i.e. from zero hour of that day: what
//   happens on the judgment day counts as after it (pernaud-mandataire.com "Jugement d'ouverture ... prise d'effet",
//   Cass. com. 17 Feb. 2021 n°20-18759). So interest is counted up to the day before the judgment, and a payment
//   dated on the judgment day is a payment after it.
// - England and Wales. A proof states the creditor's name, address and registration number, the total claim
//   (including VAT) at the relevant date less payments after it, whether it includes outstanding uncapitalised
//   interest, how and when the debt was incurred, any security and its value, any reservation of title, the documents
//   substantiating it, and is dated and authenticated (Insolvency (England and Wales) Rules 2016 r.14.4; the text read
//   was the same list in its sister rules, e.g. SI 2018/719 r.5.4, legislation.gov.uk). Interest and fixed sums are
//   those of the Late Payment of Commercial Debts (Interest) Act 1998 (ss. 4, 5A), counted to the relevant date
//   (interest is provable except for any period after that date: r.14.23 as commonly cited, UNCONFIRMED here).
import { Dec, addDays } from '../model/index.js';
import type { Party } from '../rules/index.js';
import type { RateBook } from '../rules/rate-tables.js';
import { buildClaimStatement, type ClaimInvoiceInput, type ClaimJurisdiction, type ClaimStatement } from '../recovery/claim-statement.js';
import { BODY, BODY_BOLD, day, money, openLegalPdf, pct, periodLabel, type FileLanguage } from '../recovery/pdf-layout.js';
import type { RecoveryParty } from '../recovery/recovery-file.js';
import { addMonths } from './effects.js';

/** The proceedings, as the stored notice gives them. */
export interface DeclarationProceedings {
  source: string;
  noticeId: string;
  court: string | null;
  /** Opening judgment (FR) or date the company entered administration or liquidation (UK): the claim's date. */
  judgmentDate: string;
  publicationDate: string;
  /** Mandataire judiciaire (FR) or office-holder (UK), as published; null when the notice does not name one. */
  mandataire: string | null;
}

export interface DeclarationInvoice extends ClaimInvoiceInput {
  /** The invoice's PDF is on file (else the list of enclosures says to add a copy). */
  hasPdf: boolean;
}

export interface DeclarationReminder {
  date: string;
  label: string;
  registered: boolean;
  /** Invoice numbers it named. */
  invoices: string[];
}

export interface DeclarationInput {
  jurisdiction: ClaimJurisdiction;
  currency: string;
  /** The day the document is prepared. */
  date: string;
  creditor: RecoveryParty & {
    /** FR: the creditor does not live in metropolitan France, so it has four months, not two (R622-24 al. 2). */
    outsideMetropolitanFrance: boolean;
    /** Who signs for the creditor, when the profile names a contact. */
    signatory: string | null;
    city: string | null;
  };
  debtor: RecoveryParty;
  proceedings: DeclarationProceedings;
  /** The customer's unpaid invoices; those issued on or after the judgment date are left out (paid at term, L622-17). */
  invoices: readonly DeclarationInvoice[];
  reminders: readonly DeclarationReminder[];
  retentionOfTitle: boolean;
  guarantees: readonly string[];
  debtorKind?: Party;
  rates?: RateBook;
}

export interface Declaration {
  jurisdiction: ClaimJurisdiction;
  /** The judgment date (FR) or relevant date (UK): the claim is stated as it stood then. */
  judgmentDate: string;
  /** Last day of interest counted (inclusive): the day before the judgment in France (zero-hour rule), the relevant date in the UK. */
  asOf: string;
  statement: ClaimStatement;
  /** Invoices left out, with why. */
  excluded: Array<{ number: string; reason: 'issued_after_judgment' | 'nothing_due_at_judgment' }>;
  /** Sums received after the judgment date, per invoice (a UK proof deducts them; a French declaration flags them). */
  receivedAfter: Array<{ number: string; amount: string }>;
  /** Lines not yet due at the judgment date: declared as sums to fall due (L622-25). */
  notYetDue: Array<{ number: string; dueDate: string; amount: string }>;
  /** The total claimed less what was received after the judgment date. */
  net: string;
  /** FR: last day to send the declaration; null for a UK proof (the office-holder sets the date for proving). */
  deadline: string | null;
  deadlineMonths: 2 | 4 | null;
  /** FR with retention of title: last day to claim the goods (L624-9). */
  revendicationDeadline: string | null;
  enclosures: Array<{ n: number; kind: 'invoice' | 'reminder' | 'statement' | 'clause'; label: string; missing: boolean }>;
  missing: string[];
}

const amountOf = (x: string) => new Dec(x);

/** Builds the figures and lists; throws when there is nothing to declare (every invoice after the judgment or paid before it). */
export function buildDeclaration(input: DeclarationInput): Declaration {
  const j = input.proceedings.judgmentDate;
  const fr = input.jurisdiction === 'FR';
  // Last day before the proceedings: a French judgment takes effect at zero hour of its day; a UK proof counts the
  // relevant date itself and deducts only what was paid after it.
  const lastDay = fr ? addDays(j, -1) : j;
  const excluded: Declaration['excluded'] = [];
  const declared: DeclarationInvoice[] = [];
  const receivedAfter: Declaration['receivedAfter'] = [];
  for (const inv of input.invoices) {
    // Issued on the judgment day or later: a post-opening claim, paid at term, never declared.
    if (inv.issueDate >= j) { excluded.push({ number: inv.number, reason: 'issued_after_judgment' }); continue; }
    const pays = inv.payments ?? [];
    const before = pays.filter((p) => p.date <= lastDay).reduce((a, p) => a.plus(p.amount), new Dec(0));
    if (amountOf(inv.amount).minus(before).lte(0)) { excluded.push({ number: inv.number, reason: 'nothing_due_at_judgment' }); continue; }
    const after = pays.filter((p) => p.date > lastDay).reduce((a, p) => a.plus(p.amount), new Dec(0));
    if (after.gt(0)) receivedAfter.push({ number: inv.number, amount: after.toFixed(2) });
    declared.push(inv);
  }
  if (declared.length === 0) throw new Error(`nothing to declare: no unpaid invoice was issued before the judgment of ${j}`);
  const statement = buildClaimStatement({
    jurisdiction: input.jurisdiction,
    currency: input.currency,
    asOf: lastDay,
    ...(input.debtorKind ? { debtor: input.debtorKind } : {}),
    ...(input.rates ? { rates: input.rates } : {}),
    invoices: declared.map(({ hasPdf: _h, ...i }) => i),
  });
  const notYetDue = statement.lines.filter((l) => l.dueDate > lastDay).map((l) => ({ number: l.number, dueDate: l.dueDate, amount: l.principalDue }));
  const afterTotal = receivedAfter.reduce((a, r) => a.plus(r.amount), new Dec(0));
  const net = Dec.max(new Dec(statement.totals.claimed).minus(afterTotal), new Dec(0)).toFixed(2);
  const deadlineMonths = fr ? (input.creditor.outsideMetropolitanFrance ? 4 : 2) : null;

  let n = 0;
  const enclosures: Declaration['enclosures'] = [];
  const pdfs = new Map(declared.map((i) => [i.number, i.hasPdf]));
  for (const l of statement.lines) enclosures.push({ n: ++n, kind: 'invoice', label: fr ? `Facture ${l.number} du ${day(l.issueDate)}` : `Invoice ${l.number} dated ${day(l.issueDate)}`, missing: !pdfs.get(l.number) });
  const numbers = new Set(statement.lines.map((l) => l.number));
  for (const r of input.reminders) {
    const named = r.invoices.filter((x) => numbers.has(x));
    if (named.length === 0) continue;
    const reg = r.registered ? (fr ? ' (lettre recommandée avec AR)' : ' (recorded delivery)') : '';
    enclosures.push({ n: ++n, kind: 'reminder', label: fr ? `${r.label} du ${day(r.date)}${reg}, factures ${named.join(', ')}` : `${r.label} of ${day(r.date)}${reg}, invoices ${named.join(', ')}`, missing: false });
  }
  if (input.retentionOfTitle) enclosures.push({ n: ++n, kind: 'clause', label: fr ? 'Conditions générales de vente ou contrat stipulant la clause de réserve de propriété, accepté(es) par écrit au plus tard à la livraison' : 'Terms of sale containing the retention of title clause, as agreed in writing', missing: false });
  enclosures.push({ n: ++n, kind: 'statement', label: fr ? `Décompte de la créance au jour du jugement d’ouverture (${day(j)})` : `Statement of account at ${day(j)}`, missing: false });

  const missing: string[] = [];
  if (fr) {
    if (!input.proceedings.mandataire) missing.push('Mandataire judiciaire non nommé dans l’annonce : reportez son nom et son adresse (avertissement reçu ou greffe du tribunal).');
    if (!input.creditor.registration) missing.push('SIREN de votre société manquant dans le profil.');
    if (!input.creditor.address.length) missing.push('Adresse de votre société manquante dans le profil.');
    if (!input.debtor.registration) missing.push('SIREN du débiteur inconnu.');
    for (const e of enclosures) if (e.missing) missing.push(`${e.label} : PDF absent, joignez une copie.`);
    if (receivedAfter.length) missing.push(`Sommes reçues le jour du jugement ou après (${receivedAfter.map((r) => `${r.number} : ${money(r.amount, input.currency, 'fr')}`).join(', ')}) : un paiement d’une créance antérieure est interdit (L622-7) ; vérifiez avec le mandataire.`);
  } else {
    if (!input.proceedings.mandataire) missing.push("The office-holder's name and address are not in the notice: add them.");
    if (!input.creditor.registration) missing.push('Your company number is missing from the profile.');
    if (!input.creditor.address.length) missing.push('Your company address is missing from the profile.');
    for (const e of enclosures) if (e.missing) missing.push(`${e.label}: PDF missing, enclose a copy.`);
  }
  return {
    jurisdiction: input.jurisdiction,
    judgmentDate: j,
    asOf: lastDay,
    statement,
    excluded,
    receivedAfter,
    notYetDue,
    net,
    deadline: deadlineMonths ? addMonths(input.proceedings.publicationDate, deadlineMonths) : null,
    deadlineMonths,
    revendicationDeadline: fr && input.retentionOfTitle ? addMonths(input.proceedings.publicationDate, 3) : null,
    enclosures,
    missing,
  };
}

export interface DeclarationFile {
  declaration: Declaration;
  pdf: Buffer;
  sha256: string;
}

const box = (on: boolean) => (on ? '[X]' : '[  ]');

/** Builds and renders. Deterministic: equal inputs give equal bytes. */
export async function renderDeclaration(input: DeclarationInput): Promise<DeclarationFile> {
  const d = buildDeclaration(input);
  const fr = input.jurisdiction === 'FR';
  const lang: FileLanguage = fr ? 'fr' : 'en';
  const s = d.statement;
  const c = s.currency;
  const m = (x: string) => money(x, c, lang);
  const pr = input.proceedings;
  const title = fr ? `Déclaration de créance — ${input.debtor.name}` : `Proof of debt — ${input.debtor.name}`;
  const pdf = openLegalPdf({ date: input.date, title, author: input.creditor.name });
  const { doc, left, width, p, section, table } = pdf;
  const reg = (x: RecoveryParty) => (x.registration ? `${fr ? 'SIREN' : 'Company number'} ${x.registration}` : '');
  const colon = fr ? ' : ' : ': ';
  const heading = (t: string) => {
    doc.moveDown(0.3);
    p(t, { bold: true, size: 11 });
  };

  doc.font(BODY_BOLD).fontSize(16).text(fr ? 'Déclaration de créance' : 'Proof of debt', left, doc.page.margins.top, { width });
  doc.font(BODY).fontSize(9).text(fr ? 'Articles L622-24 à L622-26 et R622-21 à R622-25 du code de commerce' : 'Insolvency (England and Wales) Rules 2016, rule 14.4', left, doc.y, { width });
  doc.moveDown(0.8);
  if (fr) {
    heading('Destinataire');
    p(pr.mandataire ? `${pr.mandataire}, mandataire judiciaire` : 'Le mandataire judiciaire désigné par le jugement d’ouverture (nom et adresse à compléter)');
    heading('Débiteur et procédure');
    p([input.debtor.name, ...input.debtor.address, reg(input.debtor)].filter(Boolean).join('\n'));
    p(`Jugement d’ouverture du ${day(pr.judgmentDate)}${pr.court ? `, ${pr.court}` : ''}, publié au BODACC le ${day(pr.publicationDate)} (annonce n° ${pr.noticeId}).`);
    heading('Créancier déclarant');
    p([input.creditor.name, ...input.creditor.address, reg(input.creditor)].filter(Boolean).join('\n'));
    heading('Délai');
    p(`À adresser au mandataire judiciaire au plus tard le ${day(d.deadline!)} : ${d.deadlineMonths === 4 ? 'quatre mois à compter de la publication du jugement d’ouverture au BODACC, le créancier ne demeurant pas en France métropolitaine (article R622-24, alinéa 2' : 'deux mois à compter de la publication du jugement d’ouverture au BODACC (article R622-24'} du code de commerce).`, { bold: true });
    heading(`Montant de la créance au jour du jugement d’ouverture (${day(d.judgmentDate)})`);
    table(
      [{ title: 'Nature', share: 5 }, { title: 'Montant', share: 2, right: true }],
      [
        ['Principal restant dû (factures TTC)', m(s.totals.principalDue)],
        [`Pénalités de retard arrêtées au ${day(d.asOf)}`, m(s.totals.interest)],
        ['Indemnités forfaitaires (40 € par facture en retard)', m(s.totals.compensation)],
        ['Total déclaré', m(s.totals.claimed)],
      ],
      { size: 9.5, boldLast: true },
    );
    p(`Pénalités au taux de refinancement de la BCE majoré de 10 points (article L441-10 II du code de commerce), arrêtées par le jugement d’ouverture (article L622-28), qui prend effet à zéro heure le jour de son prononcé (article R621-4) : comptées jusqu’au ${day(d.asOf)} inclus. Indemnités forfaitaires : article D441-5.`, { size: 9 });
    p(d.notYetDue.length ? `Dont sommes à échoir : ${d.notYetDue.map((x) => `${m(x.amount)} le ${day(x.dueDate)} (facture ${x.number})`).join(' ; ')}.` : 'Aucune somme à échoir : toutes les factures déclarées étaient échues au jour du jugement.');
    p(input.guarantees.length ? 'Créance assortie des sûretés et garanties indiquées ci-dessous (article L622-25).' : 'Créance déclarée à titre chirographaire, sans privilège ni sûreté.');
    heading('Sûretés et réserve de propriété');
    p(`${box(input.retentionOfTitle)} Clause de réserve de propriété (articles L624-9 et L624-16 du code de commerce)${d.revendicationDeadline ? ` : revendication des biens encore en nature à former au plus tard le ${day(d.revendicationDeadline)} (trois mois après la publication du jugement).` : '.'}`);
    p(`${box(input.guarantees.length > 0)} Garanties : ${input.guarantees.length ? input.guarantees.join(' ; ') : 'aucune'}.`);
    heading('Certification');
    p('Le créancier certifie sincère la présente déclaration de créance (article L622-25, alinéa 3, du code de commerce).');
    p(`Fait${input.creditor.city ? ` à ${input.creditor.city}` : ''}, le ${day(input.date)}.\nPour ${input.creditor.name}${input.creditor.signatory ? `, ${input.creditor.signatory}` : ''} (nom, qualité et signature) :`);
    doc.moveDown(2.5);
    p('_______________________________');
  } else {
    heading('To');
    p(pr.mandataire ? `${pr.mandataire} (office-holder)` : 'The office-holder (name and address to add)');
    heading('Company in insolvency proceedings');
    p([input.debtor.name, ...input.debtor.address, reg(input.debtor)].filter(Boolean).join('\n'));
    p(`Relevant date ${day(pr.judgmentDate)}${pr.court ? `, ${pr.court}` : ''}; notice ${pr.noticeId} published ${day(pr.publicationDate)}.`);
    heading('Creditor');
    p([input.creditor.name, ...input.creditor.address, reg(input.creditor)].filter(Boolean).join('\n'));
    heading(`Claim at the relevant date (${day(d.asOf)})`);
    const afterTotal = d.receivedAfter.reduce((a, r) => a.plus(r.amount), new Dec(0)).toFixed(2);
    table(
      [{ title: 'Item', share: 5 }, { title: 'Amount', share: 2, right: true }],
      [
        ['Principal outstanding (invoices, VAT included)', m(s.totals.principalDue)],
        [`Statutory interest to ${day(d.asOf)} (Late Payment of Commercial Debts (Interest) Act 1998, s.4)`, m(s.totals.interest)],
        ['Fixed sums for the cost of recovery (s.5A)', m(s.totals.compensation)],
        ['Less payments received after the relevant date', m(new Dec(afterTotal).negated().toFixed(2))],
        ['Total claim', m(d.net)],
      ],
      { size: 9.5, boldLast: true },
    );
    const withInterest = new Dec(s.totals.interest).gt(0);
    p(withInterest ? `${box(true)} The claim includes outstanding uncapitalised interest of ${m(s.totals.interest)}.` : `${box(false)} The claim includes no outstanding uncapitalised interest.`);
    p(`How and when the debt was incurred: goods or services supplied and invoiced between ${day(s.lines[0]!.issueDate)} and ${day(s.lines[s.lines.length - 1]!.issueDate)} (details in the statement of account).`);
    p(`${box(input.guarantees.length > 0)} Security held: ${input.guarantees.length ? input.guarantees.join('; ') : 'none'}.`);
    p(`${box(input.retentionOfTitle)} Reservation of title in respect of goods to which the debt refers${input.retentionOfTitle ? ': claimed under the terms of sale enclosed' : ': none'}.`);
    heading('Authentication');
    p(`Dated ${day(input.date)}. Signed for ${input.creditor.name}${input.creditor.signatory ? ` by ${input.creditor.signatory}` : ''} (name, position and signature):`);
    doc.moveDown(2.5);
    p('_______________________________');
  }

  // The statement: per invoice, then interest periods and totals.
  section(fr ? `Décompte de la créance au jour du jugement d’ouverture (${day(d.judgmentDate)})` : `Statement of account at ${day(d.judgmentDate)}`);
  table(
    fr
      ? [{ title: 'Facture', share: 3 }, { title: 'Émise le', share: 2.2 }, { title: 'Échéance', share: 2.2 }, { title: 'Montant TTC', share: 2.6, right: true }, { title: 'Réglé', share: 2.4, right: true }, { title: 'Solde', share: 2.6, right: true }, { title: 'Pénalités', share: 2.2, right: true }, { title: 'Indemnité', share: 2.1, right: true }, { title: 'Total', share: 2.6, right: true }]
      : [{ title: 'Invoice', share: 3 }, { title: 'Issued', share: 2.2 }, { title: 'Due', share: 2.2 }, { title: 'Amount', share: 2.6, right: true }, { title: 'Paid', share: 2.4, right: true }, { title: 'Balance', share: 2.6, right: true }, { title: 'Interest', share: 2.2, right: true }, { title: 'Fixed sum', share: 2.1, right: true }, { title: 'Total', share: 2.6, right: true }],
    [
      ...s.lines.map((l) => [l.number, day(l.issueDate), day(l.dueDate), m(l.amount), m(l.paid), m(l.principalDue), m(l.interest), m(l.compensation), m(l.total)]),
      [fr ? 'Total' : 'Total', '', '', m(s.totals.amount), m(s.totals.paid), m(s.totals.principalDue), m(s.totals.interest), m(s.totals.compensation), m(s.totals.claimed)],
    ],
    { boldLast: true },
  );
  p(fr ? 'Calcul des pénalités' : 'Interest calculation', { bold: true });
  for (const l of s.lines) {
    if (l.segments.length === 0) p(fr ? `${l.number} : non échue au ${day(d.judgmentDate)}, aucune pénalité.` : `${l.number}: not due at ${day(d.asOf)}, no interest.`, { size: 9 });
    for (const g of l.segments) p(`${l.number}${colon}${fr ? 'du' : 'from'} ${day(g.from)} ${fr ? 'au' : 'to'} ${day(g.to)}, ${g.days} ${fr ? 'jours' : 'days'} × ${m(g.balance)} × ${pct(g.rate, lang)} / 365 = ${m(g.interest)}`, { size: 9 });
  }
  const upper = (x: string) => x.charAt(0).toUpperCase() + x.slice(1);
  for (const g of s.periods) p(`${upper(periodLabel(g.period, lang))}${colon}${pct(g.rate, lang)}${g.referenceRate ? ` (${pct(g.referenceRate, lang)} + ${g.margin ? pct(g.margin, lang) : ''})` : ''}, ${m(g.interest)}`, { size: 9 });
  p(fr
    ? `Taux : taux de refinancement de la BCE du semestre majoré de 10 points (article L441-10 II du code de commerce), intérêts simples, base 365 jours, arrêtés la veille du jugement d’ouverture (articles L622-28 et R621-4). Indemnité forfaitaire de 40 € par facture payée en retard (article D441-5).`
    : `Rate: Bank of England reference rate plus 8% (Late Payment of Commercial Debts (Interest) Act 1998, ss. 4 and 6), simple interest, 365-day year, counted to the relevant date. Fixed sums of £40, £70 or £100 per debt by size (s.5A).`, { size: 9 });

  // The enclosures, then what is still missing.
  section(fr ? 'Bordereau des pièces jointes' : 'Documents substantiating the claim');
  for (const e of d.enclosures) p(`${fr ? `Pièce n°${e.n}` : `Document ${e.n}`}${colon}${e.label}${e.missing ? (fr ? ' (à joindre : PDF absent)' : ' (to enclose: PDF missing)') : ''}`);
  if (d.missing.length) {
    doc.moveDown(0.6);
    p(fr ? 'À compléter avant l’envoi' : 'To complete before sending', { bold: true });
    for (const x of d.missing) p(`• ${x}`);
  }
  const f = await pdf.finish('Page');
  return { declaration: d, ...f };
}
