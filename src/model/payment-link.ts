// A company's online payment page as a link template (issue #22 point 3): the company's own payment provider (a
// hosted checkout, a bank's payment request page), with the amount and the invoice numbers filled in. Relance only
// builds the link: no card data ever passes through it.

/** What a template may ask for; each value is URL-encoded where it is put. */
export const PAYMENT_LINK_PLACEHOLDERS = ['reference', 'amount', 'currency'] as const;
export type PaymentLinkValues = Record<(typeof PAYMENT_LINK_PLACEHOLDERS)[number], string>;

export type PaymentLinkProblem = 'payment_link_https' | 'payment_link_placeholder';

/** Null when the template is usable: an https address whose {placeholders} are all known. */
export function checkPaymentLinkTemplate(template: string): PaymentLinkProblem | null {
  const probe = template.replace(/\{(\w+)\}/g, 'x');
  let url: URL;
  try {
    url = new URL(probe);
  } catch {
    return 'payment_link_https';
  }
  if (url.protocol !== 'https:' || !url.hostname.includes('.')) return 'payment_link_https';
  for (const m of template.matchAll(/\{(\w*)\}?/g)) if (!(PAYMENT_LINK_PLACEHOLDERS as readonly string[]).includes(m[1]!) || !m[0].endsWith('}')) return 'payment_link_placeholder';
  return null;
}

/** The link for one payment: each {placeholder} replaced by its URL-encoded value. */
export function expandPaymentLink(template: string, values: PaymentLinkValues): string {
  return template.replace(/\{(reference|amount|currency)\}/g, (_m, k: keyof PaymentLinkValues) => encodeURIComponent(values[k]));
}
