// Customer (debtor) as every connector delivers it after mapping.
import { z } from 'zod';
import { Amount, Currency, ExternalId, Instant } from './primitives.js';

export const Address = z.object({
  line1: z.string().nullish(),
  line2: z.string().nullish(),
  city: z.string().nullish(),
  postalCode: z.string().nullish(),
  region: z.string().nullish(),
  country: z.string().nullish(),
});

export const Customer = z.object({
  externalId: ExternalId,
  name: z.string().trim().min(1, 'must not be empty'),
  email: z.email({ message: 'must be an email address' }).nullish(),
  emails: z.array(z.email({ message: 'must be an email address' })).default([]),
  phone: z.string().nullish(),
  language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag such as fr or en-GB').nullish(),
  currency: Currency.nullish(),
  creditLimit: Amount.nullish(),
  tags: z.array(z.string()).default([]),
  address: Address.nullish(),
  /** Company registration number as a 9-digit SIREN (a SIRET's first 9), where the books have it: the insolvency watch reads by it. */
  // Given as a SIREN (9 digits) or a SIRET (14: the SIREN then the establishment), spaces allowed; anything else is
  // null, never a reason to refuse the customer.
  regNo: z.preprocess((v) => {
    if (typeof v !== 'string') return v ?? null;
    const d = v.replace(/\s/g, '');
    return /^(\d{9}|\d{14})$/.test(d) ? d.slice(0, 9) : null;
  }, z.string().regex(/^\d{9}$/).nullable()).optional(),
  active: z.boolean().default(true),
  externalVersion: z.string().nullish(),
  updatedAt: Instant.nullish(),
});
export type Customer = z.infer<typeof Customer>;
