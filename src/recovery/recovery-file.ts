// Recovery file as one PDF (issue #25 point 2): a French requête en injonction de payer with its décompte and
// bordereau de pièces (and the petites créances route offered when the claim is at most €5,000), or a UK Letter of
// Claim with its statement of account. A table of contents with page numbers, bookmarks and numbered pages.
//
// Legal points, checked with public sources (late-payment law notes §3; these are reference, not advice):
// - Injonction de payer: requête to the president of the commercial court of the debtor's domicile (CPC 1405–1407;
//   jurisdiction is of public policy, CPC 1406). The official form is Cerfa n°12946. The creditor receives an order
//   only if the judge grants it: this file never states that a court title exists.
// - Petites créances: procédure simplifiée run by a commissaire de justice for a contractual claim of at most
//   €5,000 interest included (CPCE L125-1, R125-1; macsf.fr/vie-pratique/loisirs-consommation/recouvrement-petites-creances,
//   acta.fr/actualites/la-procedure-simplifiee-de-recouvrement-des-petites-creances). We compare the whole sum
//   claimed, fixed indemnities included, with €5,000: the conservative reading, as no source says whether the €40
//   counts.
// - UK: when the debtor is an individual or sole trader, the Pre-Action Protocol for Debt Claims applies: the
//   Letter of Claim must enclose the information sheet, reply form and financial statement, and the debtor has
//   30 days to reply (sintons.co.uk "The Pre-Action protocol for debt claims and a Letter Before Action to an
//   Individual"; contractstore.com "need-threaten-debtor-legal-proceedings-new-protocol"). Between companies the
//   Practice Direction on Pre-Action Conduct asks for a reasonable period; we give 14 days (UNCONFIRMED as a rule,
//   common practice). Interest and fixed sums: Late Payment of Commercial Debts (Interest) Act 1998, ss. 4, 5A.
import { Dec } from '../model/index.js';
import type { ClaimStatement } from './claim-statement.js';
import { BODY, BODY_BOLD, day as dmy, money, openLegalPdf, pct, periodLabel, type FileLanguage } from './pdf-layout.js';

export type { FileLanguage } from './pdf-layout.js';

export interface RecoveryParty {
  name: string;
  /** Postal address, one line per entry; empty when unknown. */
  address: string[];
  /** French SIREN (9 digits) or UK company number; null when unknown. */
  registration: string | null;
  /** An individual or a sole trader (UK: the Pre-Action Protocol for Debt Claims applies). */
  individual?: boolean;
}

export interface RecoveryEvidence {
  /** Invoice number → has its PDF on file. */
  invoicePdfs: Record<string, boolean>;
  /** Reminders and formal notices sent, oldest first; null when not looked up (then not reported as missing). */
  notices: Array<{ date: string; label: string; registered: boolean }> | null;
}

export interface RecoveryFileInput {
  date: string;
  language: FileLanguage;
  creditor: RecoveryParty;
  debtor: RecoveryParty;
  statement: ClaimStatement;
  evidence: RecoveryEvidence;
}

export interface MissingItem {
  code: 'DEBTOR_ADDRESS' | 'DEBTOR_REGISTRATION' | 'CREDITOR_ADDRESS' | 'CREDITOR_REGISTRATION' | 'INVOICE_PDF' | 'FORMAL_NOTICE';
  /** Invoice number for INVOICE_PDF. */
  ref: string | null;
  message: string;
}

export interface RecoveryFile {
  pdf: Buffer;
  sha256: string;
  missing: MissingItem[];
  /** FR only: the claim is at most €5,000, so the petites créances route is offered. */
  smallClaim: boolean;
  /** Titles of the sections with the page each starts on (1-based). */
  contents: Array<{ title: string; page: number }>;
}

export const SMALL_CLAIM_LIMIT_EUR = '5000.00';

const MSG: Record<FileLanguage, Record<MissingItem['code'], string>> = {
  fr: {
    DEBTOR_ADDRESS: 'Adresse du débiteur inconnue : le tribunal compétent est celui de son domicile.',
    DEBTOR_REGISTRATION: 'SIREN du débiteur inconnu : la requête doit identifier la société débitrice.',
    CREDITOR_ADDRESS: 'Adresse de votre société manquante dans le profil.',
    CREDITOR_REGISTRATION: 'SIREN de votre société manquant dans le profil.',
    INVOICE_PDF: 'PDF de la facture absent : la pièce doit être jointe.',
    FORMAL_NOTICE: 'Aucune mise en demeure envoyée : elle est attendue avant la requête.',
  },
  en: {
    DEBTOR_ADDRESS: "Debtor's address unknown: the letter must be sent to it.",
    DEBTOR_REGISTRATION: "Debtor's company number unknown.",
    CREDITOR_ADDRESS: 'Your company address is missing from the profile.',
    CREDITOR_REGISTRATION: 'Your company number is missing from the profile.',
    INVOICE_PDF: 'Invoice PDF missing: a copy must be enclosed.',
    FORMAL_NOTICE: 'No formal reminder sent yet.',
  },
};

/** What the file lacks before it can be handed to a court or a solicitor; the PDF is still produced and lists them. */
export function missingItems(input: Omit<RecoveryFileInput, 'date'>): MissingItem[] {
  const m = MSG[input.language];
  const out: MissingItem[] = [];
  const add = (code: MissingItem['code'], ref: string | null = null) => out.push({ code, ref, message: ref ? `${ref}${input.language === 'fr' ? ' : ' : ': '}${m[code]}` : m[code] });
  if (input.debtor.address.filter((l) => l.trim()).length === 0) add('DEBTOR_ADDRESS');
  if (!input.debtor.registration && !(input.statement.jurisdiction === 'UK' && input.debtor.individual)) add('DEBTOR_REGISTRATION');
  if (input.creditor.address.filter((l) => l.trim()).length === 0) add('CREDITOR_ADDRESS');
  if (!input.creditor.registration) add('CREDITOR_REGISTRATION');
  for (const l of input.statement.lines) if (!input.evidence.invoicePdfs[l.number]) add('INVOICE_PDF', l.number);
  if (input.evidence.notices && !input.evidence.notices.some((n) => n.registered)) add('FORMAL_NOTICE');
  return out;
}

/** Renders the file. Deterministic: equal inputs give equal bytes (fixed dates in the PDF info). */
export function renderRecoveryFile(input: RecoveryFileInput): Promise<RecoveryFile> {
  const { statement: s, language: lang } = input;
  if (s.jurisdiction === 'FR' && lang !== 'fr') throw new Error('a French requête is written in French');
  const fr = s.jurisdiction === 'FR';
  const c = s.currency;
  const missing = missingItems(input);
  const smallClaim = fr && new Dec(s.totals.claimed).lte(SMALL_CLAIM_LIMIT_EUR);
  const title = fr ? `Requête en injonction de payer — ${input.debtor.name}` : `Letter of Claim — ${input.debtor.name}`;
  const pdf = openLegalPdf({ date: input.date, title, author: input.creditor.name });
  const { doc, left, width, contents, section, p } = pdf;
  const party = (label: string, x: RecoveryParty, regLabel: string) => {
    p(label, { bold: true });
    p([x.name, ...x.address, x.registration ? `${regLabel} ${x.registration}` : ''].filter(Boolean).join('\n'));
    doc.moveDown(0.3);
  };

  // Page 1: cover and table of contents, written once the other pages are laid out.
  const T = fr
    ? { toc: 'Sommaire', request: 'Requête en injonction de payer', statement: 'Décompte des sommes réclamées', bordereau: 'Bordereau de pièces communiquées', small: 'Procédure simplifiée de recouvrement des petites créances', missing: 'Éléments manquants', page: 'Page' }
    : { toc: 'Contents', request: 'Letter of Claim', statement: 'Statement of account', bordereau: 'Documents enclosed', small: '', missing: 'Missing items', page: 'Page' };

  // Request / letter.
  section(T.request);
  const reg = fr ? 'SIREN' : 'Company number';
  if (fr) {
    p('À Madame, Monsieur le Président du tribunal de commerce (ou tribunal des activités économiques) du lieu du domicile du débiteur (articles 1405 à 1407 du code de procédure civile).');
    party('Requérant (créancier)', input.creditor, reg);
    party('Débiteur', input.debtor, reg);
    p('Objet de la demande', { bold: true });
    p(`Le requérant sollicite une ordonnance portant injonction de payer la somme de ${money(s.totals.claimed, c, lang)}, se décomposant ainsi :`);
    p(`• principal restant dû : ${money(s.totals.principalDue, c, lang)} ;\n• pénalités de retard arrêtées au ${dmy(s.asOf)} : ${money(s.totals.interest, c, lang)} ;\n• indemnités forfaitaires pour frais de recouvrement : ${money(s.totals.compensation, c, lang)}.`);
    p('Fondement de la créance', { bold: true });
    p(`Créance contractuelle résultant de ${s.lines.length} facture(s) demeurée(s) impayée(s) à leur échéance : ${s.lines.map((l) => `n° ${l.number}`).join(', ')}. Pénalités de retard au taux de refinancement de la BCE majoré de 10 points (article L441-10 II du code de commerce), calculées par semestre ; indemnité forfaitaire de 40 € par facture (articles L441-10 II et D441-5 du code de commerce). Intérêts simples, base 365 jours.`);
    if (input.evidence.notices?.length) {
      p('Démarches amiables', { bold: true });
      p(input.evidence.notices.map((n) => `• ${dmy(n.date)} : ${n.label}${n.registered ? ' (lettre recommandée avec accusé de réception)' : ''}`).join('\n'));
    }
    p('La présente requête peut être reportée sur le formulaire Cerfa n°12946. Aucune décision de justice n’a été rendue à ce jour : ce document n’est pas un titre exécutoire.');
    p(`Fait le ${dmy(input.date)}, pour ${input.creditor.name}.`);
  } else {
    party('From', input.creditor, reg);
    party('To', input.debtor, reg);
    p(`Date: ${dmy(input.date)}`);
    p(`We write about the sum of ${money(s.totals.claimed, c, lang)} which you owe us under ${s.lines.length} unpaid invoice(s): ${s.lines.map((l) => l.number).join(', ')}.`);
    p(`This is made up of the outstanding principal of ${money(s.totals.principalDue, c, lang)}, statutory interest to ${dmy(s.asOf)} of ${money(s.totals.interest, c, lang)}, and fixed sums for the cost of recovery of ${money(s.totals.compensation, c, lang)}, claimed under the Late Payment of Commercial Debts (Interest) Act 1998 (interest at the Bank of England reference rate plus 8% under section 4, fixed sums of £40, £70 or £100 per debt under section 5A). Interest continues to accrue.`);
    const days = input.debtor.individual ? 30 : 14;
    p(`Unless the full amount is paid, or you contact us to agree how it will be paid, within ${days} days of the date of this letter, we may start court proceedings against you without further notice.`);
    if (input.debtor.individual) p('As you trade as an individual, the Pre-Action Protocol for Debt Claims applies: the information sheet, reply form and financial statement form are enclosed. Please use the reply form to respond.');
    p('This letter is not a court judgment.');
    p(`Yours faithfully,\n${input.creditor.name}`);
  }

  // Statement: per invoice with its segments, then per rate period.
  section(T.statement);
  const H = fr
    ? { inv: 'Facture', due: 'échéance', amount: 'montant TTC', paid: 'réglé', principal: 'principal dû', interest: 'pénalités', comp: 'indemnité', total: 'total', from: 'du', to: 'au', days: 'jours', rate: 'taux', periods: 'Pénalités par période de taux', totals: 'Totaux', claimed: 'Total réclamé' }
    : { inv: 'Invoice', due: 'due', amount: 'amount', paid: 'paid', principal: 'principal due', interest: 'interest', comp: 'fixed sum', total: 'total', from: 'from', to: 'to', days: 'days', rate: 'rate', periods: 'Interest by rate period', totals: 'Totals', claimed: 'Total claimed' };
  for (const l of s.lines) {
    p(`${H.inv} ${l.number} — ${H.due} ${dmy(l.dueDate)}`, { bold: true });
    p(`${H.amount} ${money(l.amount, c, lang)} · ${H.paid} ${money(l.paid, c, lang)} · ${H.principal} ${money(l.principalDue, c, lang)}`, { size: 9 });
    for (const g of l.segments) p(`   ${H.from} ${dmy(g.from)} ${H.to} ${dmy(g.to)} : ${g.days} ${H.days} × ${money(g.balance, c, lang)} × ${pct(g.rate, lang)} = ${money(g.interest, c, lang)}`, { size: 9 });
    p(`${H.interest} ${money(l.interest, c, lang)} · ${H.comp} ${money(l.compensation, c, lang)} · ${H.total} ${money(l.total, c, lang)}`, { size: 9 });
    doc.moveDown(0.3);
  }
  p(H.periods, { bold: true });
  for (const g of s.periods) p(`${periodLabel(g.period, lang)} : ${pct(g.rate, lang)} (${g.referenceRate ? pct(g.referenceRate, lang) : ''} + ${g.margin ? pct(g.margin, lang) : ''}), ${g.days} ${H.days}, ${money(g.interest, c, lang)}`, { size: 9 });
  doc.moveDown(0.3);
  p(H.totals, { bold: true });
  p(`${H.principal} ${money(s.totals.principalDue, c, lang)} · ${H.interest} ${money(s.totals.interest, c, lang)} · ${H.comp} ${money(s.totals.compensation, c, lang)}`);
  p(`${H.claimed} : ${money(s.totals.claimed, c, lang)}`, { bold: true });

  // Bordereau: invoices first, then the notices sent.
  section(T.bordereau);
  let n = 0;
  for (const l of s.lines) p(`${fr ? 'Pièce' : 'Document'} n°${++n} : ${fr ? 'facture' : 'invoice'} ${l.number} ${fr ? 'du' : 'of'} ${dmy(l.issueDate)}${input.evidence.invoicePdfs[l.number] ? '' : fr ? ' (à joindre : PDF absent)' : ' (to enclose: PDF missing)'}`);
  for (const x of input.evidence.notices ?? []) p(`${fr ? 'Pièce' : 'Document'} n°${++n} : ${x.label} ${fr ? 'du' : 'of'} ${dmy(x.date)}`);
  p(`${fr ? 'Pièce' : 'Document'} n°${++n} : ${T.statement.toLowerCase()}`);

  if (smallClaim) {
    section(T.small);
    p(`Le total réclamé (${money(s.totals.claimed, c, lang)}) ne dépasse pas 5 000 € : au lieu de la requête, vous pouvez confier le dossier à un commissaire de justice du ressort de la cour d’appel du domicile du débiteur (articles L125-1 et R125-1 à R125-8 du code des procédures civiles d’exécution). Le débiteur dispose d’un mois pour accepter ; un titre exécutoire n’est délivré que si les deux parties s’accordent sur le montant et les modalités de paiement. Les frais sont à la charge du créancier.`);
  }

  if (missing.length) {
    section(T.missing);
    for (const m of missing) p(`• ${m.message}`);
  }

  // Contents on page 1, then page numbers on every page.
  doc.switchToPage(0);
  doc.font(BODY_BOLD).fontSize(16).text(title, left, doc.page.margins.top, { width });
  doc.moveDown(0.5).font(BODY).fontSize(10).text(`${input.creditor.name} — ${dmy(input.date)}`, left, doc.y, { width });
  doc.moveDown(1).font(BODY_BOLD).fontSize(12).text(T.toc, left, doc.y, { width });
  doc.font(BODY).fontSize(10).moveDown(0.4);
  for (const e of contents) doc.text(`${e.title} ${'.'.repeat(6)} ${T.page} ${e.page}`, left, doc.y, { width });
  return pdf.finish(T.page).then((f) => ({ ...f, missing, smallClaim, contents }));
}
