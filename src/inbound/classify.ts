// What kind of mail came in: a bounce (delivery-status notification), an automatic reply (out-of-office, autoresponder)
// or a person's reply. Pure: headers and subject in, a verdict with its reason out.
import type { InboundMail } from './parse.js';

export type MailKind = 'reply' | 'auto_reply' | 'bounce';

export interface Verdict {
  kind: MailKind;
  /** Which signal decided it (logged and shown): e.g. "Auto-Submitted: auto-replied", "subject". */
  because: string;
}

/**
 * Subjects of out-of-office and autoresponder messages in French and English, as mail clients and servers write them
 * (Outlook "Automatic reply:", "Réponse automatique :", Gmail's vacation responder, "Out of Office", "Absence du …").
 */
const AUTO_SUBJECTS: readonly RegExp[] = [
  /^\s*(re:\s*)?(automatic reply|auto(-|\s)?reply|autoreply|auto(-|\s)?response|auto:)/i,
  /\bout of (the )?office\b/i,
  /\baway from (the |my )?office\b/i,
  /\b(on )?(vacation|holiday) (reply|notice)\b/i,
  /^\s*(re\s*:\s*)?r[ée]ponse automatique\b/i,
  /\bmessage d['’]absence\b/i,
  /^\s*(re\s*:\s*)?absen(ce|t|te)\b/i,
  /\b(je suis |actuellement )absente?\b/i,
  /\babsente? du bureau\b/i,
  /\bcong[ée]s?\b.*\b(retour|absent)/i,
];

/** A bounce wins over everything (a DSN is itself auto-submitted); then the standard headers; then the subject. */
export function classify(mail: Pick<InboundMail, 'headers' | 'subject' | 'dsn' | 'contentType' | 'reportType' | 'from'>): Verdict {
  const h = (name: string) => mail.headers.get(name)?.trim().toLowerCase() ?? null;
  // RFC 8098: a read receipt is a multipart/report too, of report-type disposition-notification (RFC 6533's global
  // one for SMTPUTF8 mail). A machine's answer, not a bounce: nothing failed.
  if (!mail.dsn && /^(global-)?disposition-notification$/.test(mail.reportType ?? '')) return { kind: 'auto_reply', because: 'read receipt' };
  // RFC 3464/6522: a DSN is multipart/report with a message/delivery-status part.
  if (mail.dsn || /^multipart\/report\b/i.test(mail.contentType)) return { kind: 'bounce', because: 'delivery-status notification' };
  // RFC 3834 §5: "no" (or no header) is a person; auto-generated, auto-replied and extensions are machines.
  const auto = h('auto-submitted')?.split(';')[0]?.trim() ?? null;
  if (auto && auto !== 'no') return { kind: 'auto_reply', because: `Auto-Submitted: ${auto}` };
  if (h('x-autoreply') !== null) return { kind: 'auto_reply', because: 'X-Autoreply' };
  if (h('x-autorespond') !== null) return { kind: 'auto_reply', because: 'X-Autorespond' };
  const precedence = h('precedence');
  if (precedence === 'auto_reply') return { kind: 'auto_reply', because: 'Precedence: auto_reply' };
  if (AUTO_SUBJECTS.some((r) => r.test(mail.subject))) return { kind: 'auto_reply', because: 'subject' };
  // A mailer-daemon message that is not a proper multipart/report is still a bounce.
  if (mail.from && /^(mailer-daemon|postmaster)@/i.test(mail.from) && /undeliver|delivery (status|failure)|non remis|returned mail/i.test(mail.subject)) {
    return { kind: 'bounce', because: 'mailer-daemon' };
  }
  return { kind: 'reply', because: 'a person' };
}
