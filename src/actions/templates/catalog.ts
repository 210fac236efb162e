// The shipped message templates (Liquid, data not code): a subject and one body for every templateId, in French and
// English. The body is the only source: the text and the HTML versions are both rendered from it (../templates.ts), so
// they can never say different things.
import type { Language } from '../format.js';

export interface TemplateParts {
  subject: string;
  /** Liquid; paragraphs are separated by a blank line, lines starting with "- " make a list, `{% invoices %}` and `{% payment %}` insert the blocks below. */
  body: string;
}

/** Which late-payment law a template family cites: French (L441-10, D441-5) or UK (Late Payment Act 1998). */
export type Family = 'FR' | 'UK';

export const TEMPLATE_IDS = [
  'fr.courtesy', 'fr.reminder-1', 'fr.reminder-2', 'fr.firm-penalties', 'fr.mise-en-demeure', 'fr.handoff-injonction',
  'en.courtesy', 'en.reminder-1', 'en.reminder-2', 'en.final-statutory-interest', 'en.call-script', 'en.letter-before-action', 'en.handoff',
  // Added last so that the positions of the others (used as defaults by the templates page) do not move.
  'fr.call-script',
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

interface Prose {
  subject: string;
  intro: string;
  outro: string;
}

// Blocks shared by every template of a language; inlined at load because user templates may not include files.
const LIST_TEXT: Record<Language, string> = {
  fr: `{% for inv in invoices %}- Facture {{ inv.number }} du {{ inv.issue_date }}, échéance {{ inv.due_date }} : {{ inv.amount_due }} restant dû sur {{ inv.total }}{% if inv.days_late > 0 %} ({{ inv.days_late }} jours de retard){% endif %}{% if inv.pdf_link %} – {{ inv.pdf_link }}{% endif %}
{% endfor %}{% if has_credits %}Avoirs en votre faveur :
{% for c in credits %}- Avoir {{ c.number }} : {{ c.remaining }}
{% endfor %}{% endif %}Total dû : {{ total_due }}
{% if has_credits %}Solde après avoirs : {{ net_due }}
{% endif %}`,
  en: `{% for inv in invoices %}- Invoice {{ inv.number }} dated {{ inv.issue_date }}, due {{ inv.due_date }}: {{ inv.amount_due }} outstanding of {{ inv.total }}{% if inv.days_late > 0 %} ({{ inv.days_late }} days late){% endif %}{% if inv.pdf_link %} – {{ inv.pdf_link }}{% endif %}
{% endfor %}{% if has_credits %}Credit notes in your favour:
{% for c in credits %}- Credit note {{ c.number }}: {{ c.remaining }}
{% endfor %}{% endif %}Total due: {{ total_due }}
{% if has_credits %}Balance after credits: {{ net_due }}
{% endif %}`,
};

const LIST_HTML: Record<Language, string> = {
  fr: `<table style="border-collapse:collapse;width:100%;font-size:13px"><tr><th>Facture</th><th>Date</th><th>Échéance</th><th>Montant TTC</th><th>Restant dû</th><th>Retard</th></tr>
{% for inv in invoices %}<tr><td>{% if inv.pdf_link %}<a href="{{ inv.pdf_link }}">{{ inv.number }}</a>{% else %}{{ inv.number }}{% endif %}</td><td>{{ inv.issue_date }}</td><td>{{ inv.due_date }}</td><td>{{ inv.total }}</td><td>{{ inv.amount_due }}</td><td>{% if inv.days_late > 0 %}{{ inv.days_late }} j{% endif %}</td></tr>
{% endfor %}{% for c in credits %}<tr><td>Avoir {{ c.number }}</td><td></td><td></td><td></td><td>-{{ c.remaining }}</td><td></td></tr>
{% endfor %}</table>
<p>Total dû : <strong>{{ total_due }}</strong>{% if has_credits %}<br>Solde après avoirs : <strong>{{ net_due }}</strong>{% endif %}</p>`,
  en: `<table style="border-collapse:collapse;width:100%;font-size:13px"><tr><th>Invoice</th><th>Date</th><th>Due</th><th>Total</th><th>Outstanding</th><th>Late</th></tr>
{% for inv in invoices %}<tr><td>{% if inv.pdf_link %}<a href="{{ inv.pdf_link }}">{{ inv.number }}</a>{% else %}{{ inv.number }}{% endif %}</td><td>{{ inv.issue_date }}</td><td>{{ inv.due_date }}</td><td>{{ inv.total }}</td><td>{{ inv.amount_due }}</td><td>{% if inv.days_late > 0 %}{{ inv.days_late }} d{% endif %}</td></tr>
{% endfor %}{% for c in credits %}<tr><td>Credit note {{ c.number }}</td><td></td><td></td><td></td><td>-{{ c.remaining }}</td><td></td></tr>
{% endfor %}</table>
<p>Total due: <strong>{{ total_due }}</strong>{% if has_credits %}<br>Balance after credits: <strong>{{ net_due }}</strong>{% endif %}</p>`,
};

/** Penalty paragraph per law family and language; rendered only when the step includes penalties. */
const PENALTIES: Record<Family, Record<Language, string>> = {
  FR: {
    fr: `Conformément à l'article L441-10 du Code de commerce, des pénalités de retard au taux de {{ penalties.rate }} l'an sont dues de plein droit depuis le lendemain de l'échéance, soit {{ penalties.interest }} à ce jour, ainsi que l'indemnité forfaitaire pour frais de recouvrement de 40 € par facture (article D441-5), soit {{ penalties.compensation }}. Montant total réclamé : {{ penalties.total_claimed }}.`,
    en: `Under article L441-10 of the French Commercial Code, late-payment penalties at {{ penalties.rate }} a year have been due since the day after the due date, {{ penalties.interest }} to date, together with the fixed recovery indemnity of €40 per invoice (article D441-5), {{ penalties.compensation }}. Total amount claimed: {{ penalties.total_claimed }}.`,
  },
  UK: {
    en: `Under the Late Payment of Commercial Debts (Interest) Act 1998 we are entitled to statutory interest at {{ penalties.rate }} a year, {{ penalties.interest }} to date, and fixed-sum compensation of {{ penalties.compensation }}. Total amount claimed: {{ penalties.total_claimed }}.`,
    fr: `En application du Late Payment of Commercial Debts (Interest) Act 1998, des intérêts légaux au taux de {{ penalties.rate }} l'an sont dus, soit {{ penalties.interest }} à ce jour, ainsi qu'une indemnité forfaitaire de {{ penalties.compensation }}. Montant total réclamé : {{ penalties.total_claimed }}.`,
  },
};

const PAYMENT: Record<Language, { text: string; html: string }> = {
  fr: {
    text: `{% if portal.link %}Votre relevé, vos factures, et pour répondre (contestation, date de paiement, échéancier, déjà payé) : {{ portal.link }}
{% endif %}{% if payment.link %}Payer en ligne : {{ payment.link }}
{% endif %}{% if payment.instructions %}{{ payment.instructions }}
{% endif %}`,
    html: `{% if portal.link %}<p><a href="{{ portal.link }}">Voir votre relevé et répondre</a> (contestation, date de paiement, échéancier, déjà payé)</p>{% endif %}{% if payment.link %}<p><a href="{{ payment.link }}">Payer en ligne</a></p>{% endif %}{% if payment.instructions %}<p>{{ payment.instructions }}</p>{% endif %}`,
  },
  en: {
    text: `{% if portal.link %}Your statement, your invoices, and to answer (dispute, payment date, payment plan, already paid): {{ portal.link }}
{% endif %}{% if payment.link %}Pay online: {{ payment.link }}
{% endif %}{% if payment.instructions %}{{ payment.instructions }}
{% endif %}`,
    html: `{% if portal.link %}<p><a href="{{ portal.link }}">See your statement and answer</a> (dispute, payment date, payment plan, already paid)</p>{% endif %}{% if payment.link %}<p><a href="{{ payment.link }}">Pay online</a></p>{% endif %}{% if payment.instructions %}<p>{{ payment.instructions }}</p>{% endif %}`,
  },
};

const GREETING: Record<Language, string> = { fr: 'Bonjour {{ customer.contact | default: customer.name }},', en: 'Dear {{ customer.contact | default: customer.name }},' };
const SIGN: Record<Language, string> = { fr: 'Cordialement,\n{{ company.name }}', en: 'Kind regards,\n{{ company.name }}' };
// A formal notice is a letter, not a chat: the customary salutation and closing formula, signed by the named contact.
const SIGNATORY = '{% if company.contact_name %}{{ company.contact_name }}\n{% endif %}{{ company.name }}';
const FORMAL_GREETING: Record<Language, string> = { fr: 'Madame, Monsieur,', en: 'Dear Sir or Madam,' };
const FORMAL_SIGN: Record<Language, string> = {
  fr: `Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\n\n${SIGNATORY}`,
  en: `Yours faithfully,\n\n${SIGNATORY}`,
};

const PROSE: Record<TemplateId, { family: Family; formal?: true } & Record<Language, Prose>> = {
  'fr.courtesy': {
    family: 'FR',
    fr: { subject: 'Rappel : échéance prochaine – {{ reference }}', intro: 'Nous vous rappelons que le règlement suivant arrive prochainement à échéance :', outro: 'Si le paiement est déjà parti, merci de ne pas tenir compte de ce message.' },
    en: { subject: 'Reminder: payment due soon – {{ reference }}', intro: 'This is a friendly reminder that the following payment falls due soon:', outro: 'If you have already paid, please disregard this message.' },
  },
  'fr.reminder-1': {
    family: 'FR',
    fr: { subject: 'Relance : facture échue – {{ reference }}', intro: "Sauf erreur de notre part, le règlement suivant n'a pas encore été reçu :", outro: "Si un problème bloque le paiement, répondez simplement à ce message." },
    en: { subject: 'Overdue invoice – {{ reference }}', intro: 'According to our records, the following payment has not yet been received:', outro: 'If something is preventing payment, simply reply to this message.' },
  },
  'fr.reminder-2': {
    family: 'FR',
    fr: { subject: 'Deuxième relance – {{ reference }}', intro: 'Malgré notre précédente relance, les sommes suivantes restent impayées :', outro: 'Merci de procéder au règlement avant le {{ deadline }}.' },
    en: { subject: 'Second reminder – {{ reference }}', intro: 'Despite our previous reminder, the following amounts remain unpaid:', outro: 'Please pay by {{ deadline }}.' },
  },
  'fr.firm-penalties': {
    family: 'FR',
    fr: { subject: 'Relance ferme – {{ reference }} – {{ penalties.total_claimed | default: total_due }}', intro: 'Les sommes suivantes restent impayées malgré nos relances :', outro: "À défaut de règlement avant le {{ deadline }}, nous vous adresserons une mise en demeure." },
    en: { subject: 'Final reminder – {{ reference }} – {{ penalties.total_claimed | default: total_due }}', intro: 'The following amounts remain unpaid despite our reminders:', outro: 'Failing payment by {{ deadline }}, we will send you a formal notice.' },
  },
  'fr.mise-en-demeure': {
    family: 'FR',
    formal: true,
    // The deadline runs from receipt (the debtor's date, unknown when we write), so no calendar date is stated.
    fr: { subject: 'MISE EN DEMEURE DE PAYER – {{ reference }}', intro: 'Malgré nos relances restées sans effet, nous vous mettons en demeure, par la présente, de régler les sommes suivantes :', outro: "À défaut de paiement dans un délai de {{ deadline_days }} jours à compter de la réception de la présente, nous saisirons sans autre avis le président du tribunal de commerce compétent d'une requête en injonction de payer. La présente vaut mise en demeure au sens de l'article 1344 du Code civil ; elle ne constitue pas un titre exécutoire." },
    en: { subject: 'FORMAL NOTICE TO PAY (MISE EN DEMEURE) – {{ reference }}', intro: 'Our reminders having remained unanswered, we hereby give you formal notice to pay the following amounts:', outro: 'Failing payment within {{ deadline_days }} days of receipt of this letter, we will apply without further notice to the president of the competent commercial court for an order for payment (injonction de payer). This letter is a formal notice (mise en demeure) under article 1344 of the French Civil Code; it is not an enforceable title.' },
  },
  'fr.handoff-injonction': {
    family: 'FR',
    fr: { subject: 'À traiter : injonction de payer ou agence – {{ customer.name }} – {{ reference }}', intro: 'La mise en demeure est restée sans effet. Dossier à transmettre (injonction de payer, Cerfa 12946, ou agence de recouvrement) :', outro: 'Joindre les factures, les relances et la mise en demeure au bordereau.' },
    en: { subject: 'To do: order for payment or agency – {{ customer.name }} – {{ reference }}', intro: 'The formal notice had no effect. File to hand over (injonction de payer, Cerfa 12946, or a collection agency):', outro: 'Attach the invoices, reminders and formal notice to the list of documents.' },
  },
  'fr.call-script': {
    family: 'FR',
    fr: { subject: 'Appeler {{ customer.name }} au sujet de {{ reference }}', intro: "Script d'appel : se présenter, vérifier que les factures ci-dessous ont bien été reçues, demander si un litige ou une difficulté bloque le règlement, et obtenir une date de paiement précise. Noter le résultat (promesse de paiement avec sa date et son montant, litige ou absence de réponse).", outro: 'Téléphone : {{ customer.phone | default: "inconnu" }}' },
    en: { subject: 'Call {{ customer.name }} about {{ reference }}', intro: 'Call script: introduce yourself, confirm the invoices below were received, ask whether a dispute or a difficulty is holding payment, and get a firm payment date. Record the outcome (promise to pay with its date and amount, dispute or no answer).', outro: 'Phone: {{ customer.phone | default: "unknown" }}' },
  },
  'en.courtesy': {
    family: 'UK',
    en: { subject: 'Reminder: payment due soon – {{ reference }}', intro: 'This is a friendly reminder that the following payment falls due soon:', outro: 'If you have already paid, please disregard this message.' },
    fr: { subject: 'Rappel : échéance prochaine – {{ reference }}', intro: 'Nous vous rappelons que le règlement suivant arrive prochainement à échéance :', outro: 'Si le paiement est déjà parti, merci de ne pas tenir compte de ce message.' },
  },
  'en.reminder-1': {
    family: 'UK',
    en: { subject: 'Payment overdue – {{ reference }}', intro: 'According to our records, the following payment is now overdue:', outro: 'If something is preventing payment, simply reply to this message.' },
    fr: { subject: 'Relance : facture échue – {{ reference }}', intro: "Sauf erreur de notre part, le règlement suivant n'a pas encore été reçu :", outro: 'Si un problème bloque le paiement, répondez simplement à ce message.' },
  },
  'en.reminder-2': {
    family: 'UK',
    en: { subject: 'Second reminder – {{ reference }}', intro: 'Despite our previous reminder, the following amounts remain unpaid:', outro: 'Please pay by {{ deadline }}.' },
    fr: { subject: 'Deuxième relance – {{ reference }}', intro: 'Malgré notre précédente relance, les sommes suivantes restent impayées :', outro: 'Merci de procéder au règlement avant le {{ deadline }}.' },
  },
  'en.final-statutory-interest': {
    family: 'UK',
    en: { subject: 'Final reminder with statutory interest – {{ reference }}', intro: 'The following amounts remain unpaid despite our reminders:', outro: 'Failing payment by {{ deadline }}, we will send you a letter before action.' },
    fr: { subject: 'Dernière relance avec intérêts légaux – {{ reference }}', intro: 'Les sommes suivantes restent impayées malgré nos relances :', outro: 'À défaut de règlement avant le {{ deadline }}, nous vous adresserons une lettre avant poursuites.' },
  },
  'en.call-script': {
    family: 'UK',
    en: { subject: 'Call {{ customer.name }} about {{ reference }}', intro: 'Call script: confirm the invoices below were received, ask whether anything is disputed, and agree a payment date. Record the outcome (promise to pay, dispute or no answer).', outro: 'Phone: {{ customer.phone | default: "unknown" }}' },
    fr: { subject: 'Appeler {{ customer.name }} au sujet de {{ reference }}', intro: "Script d'appel : vérifier la réception des factures ci-dessous, demander si un litige existe et convenir d'une date de paiement. Noter le résultat (promesse, litige ou pas de réponse).", outro: 'Téléphone : {{ customer.phone | default: "inconnu" }}' },
  },
  'en.letter-before-action': {
    family: 'UK',
    formal: true,
    en: { subject: 'LETTER BEFORE ACTION – {{ reference }}', intro: 'Despite our reminders, the following amounts remain unpaid. This is a letter before action:', outro: 'Unless payment is received within {{ deadline_days }} days, i.e. by {{ deadline }}, we intend to issue a claim in the County Court (or instruct a debt collection agency) without further notice, and to claim interest and costs. This letter is not a court judgment.' },
    fr: { subject: 'LETTRE AVANT POURSUITES – {{ reference }}', intro: 'Malgré nos relances, les sommes suivantes restent impayées. La présente vaut lettre avant poursuites :', outro: "À défaut de paiement sous {{ deadline_days }} jours, soit au plus tard le {{ deadline }}, nous saisirons la County Court (ou une agence de recouvrement) sans autre avis. La présente lettre n'est pas une décision de justice." },
  },
  'en.handoff': {
    family: 'UK',
    en: { subject: 'To do: small claims or agency – {{ customer.name }} – {{ reference }}', intro: 'The letter before action had no effect. File to hand over (Money Claim Online / small claims, or a debt collection agency):', outro: 'Attach the invoices, reminders and the letter before action.' },
    fr: { subject: 'À traiter : small claims ou agence – {{ customer.name }} – {{ reference }}', intro: 'La lettre avant poursuites est restée sans effet. Dossier à transmettre (small claims ou agence de recouvrement) :', outro: 'Joindre les factures, les relances et la lettre avant poursuites.' },
  },
};

/**
 * The blocks a body inserts with `{% invoices %}` and `{% payment %}`: the same content as a list in the text version
 * and as a table or links in the HTML one. They are ours (trusted HTML whose variables are escaped), never the user's.
 */
export const BLOCKS: Readonly<Record<'invoices' | 'payment', Record<Language, { text: string; html: string }>>> = {
  invoices: { fr: { text: LIST_TEXT.fr, html: LIST_HTML.fr }, en: { text: LIST_TEXT.en, html: LIST_HTML.en } },
  payment: PAYMENT,
};
export type BlockName = keyof typeof BLOCKS;

function assemble(family: Family, lang: Language, p: Prose, formal: boolean): TemplateParts {
  const pen = PENALTIES[family][lang];
  const greeting = (formal ? FORMAL_GREETING : GREETING)[lang];
  const sign = (formal ? FORMAL_SIGN : SIGN)[lang];
  const body = [greeting, p.intro, '{% invoices %}', `{% if penalties %}${pen}{% endif %}`, '{% payment %}', p.outro, sign].join('\n\n');
  return { subject: p.subject, body: `${body}\n` };
}

/** A formal notice (mise en demeure, letter before action): registered post, formal wording, a complete letterhead. */
export function isFormalTemplate(templateId: string): boolean {
  return PROSE[templateId as TemplateId]?.formal === true;
}

/** Law family of a template id; unknown ids follow their language prefix. */
export function familyOf(templateId: string): Family {
  const known = PROSE[templateId as TemplateId];
  if (known) return known.family;
  return templateId.startsWith('fr.') ? 'FR' : 'UK';
}

export const CATALOG: Readonly<Record<TemplateId, Record<Language, TemplateParts>>> = Object.fromEntries(
  TEMPLATE_IDS.map((id) => {
    const p = PROSE[id];
    return [id, { fr: assemble(p.family, 'fr', p.fr, !!p.formal), en: assemble(p.family, 'en', p.en, !!p.formal) }];
  }),
) as Record<TemplateId, Record<Language, TemplateParts>>;
