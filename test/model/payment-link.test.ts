// The company's payment page as a link template: only https, only known placeholders, values URL-encoded.
import { describe, expect, it } from 'vitest';
import { CompanyProfileData } from '../../src/model/company-profile.js';
import { checkPaymentLinkTemplate, expandPaymentLink } from '../../src/model/payment-link.js';

describe('payment link templates', () => {
  it('accepts an https page with known placeholders and refuses anything else with its reason', () => {
    expect(checkPaymentLinkTemplate('https://pay.example.com/?ref={reference}&amount={amount}&cur={currency}')).toBeNull();
    expect(checkPaymentLinkTemplate('https://pay.example.com/atelier')).toBeNull();
    expect(checkPaymentLinkTemplate('http://pay.example.com/?ref={reference}')).toBe('payment_link_https');
    expect(checkPaymentLinkTemplate('javascript:alert(1)//{amount}')).toBe('payment_link_https');
    expect(checkPaymentLinkTemplate('pay.example.com/{amount}')).toBe('payment_link_https');
    expect(checkPaymentLinkTemplate('https://localhost/{amount}')).toBe('payment_link_https');
    expect(checkPaymentLinkTemplate('https://pay.example.com/?c={customer}')).toBe('payment_link_placeholder');
    expect(checkPaymentLinkTemplate('https://pay.example.com/?a={amount')).toBe('payment_link_placeholder');
  });

  it('fills each placeholder URL-encoded, so a reference cannot add parameters', () => {
    expect(expandPaymentLink('https://pay.example.com/?ref={reference}&amount={amount}&cur={currency}', { reference: 'F-1 F-2&x=1', amount: '1240.50', currency: 'EUR' })).toBe('https://pay.example.com/?ref=F-1%20F-2%26x%3D1&amount=1240.50&cur=EUR');
  });

  it('is part of the company profile: empty is none, a bad one is refused with its code', () => {
    const base = { legalName: 'Atelier', addressLine1: '1 rue', postalCode: '69001', city: 'Lyon' };
    expect(CompanyProfileData.parse({ ...base, paymentLink: '' }).paymentLink).toBeNull();
    expect(CompanyProfileData.parse({ ...base, paymentLink: ' https://pay.example.com/{reference} ' }).paymentLink).toBe('https://pay.example.com/{reference}');
    const bad = CompanyProfileData.safeParse({ ...base, paymentLink: 'http://pay.example.com' });
    expect(bad.success ? null : bad.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['paymentLink', 'payment_link_https']]);
  });
});
