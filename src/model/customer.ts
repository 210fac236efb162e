// Customer (debtor) as every connector delivers it after mapping.
import { z } from 'zod';
import { normaliseRegNo } from './company-ids.js';
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
  /**
   * Company registration number where the books have it (the insolvency watch reads by it): a 9-digit SIREN (a
   * SIRET's first 9) or a UK company number (8 characters), normalised by company-ids.ts's normaliseRegNo; its length
   * tells the register (regNoKind). Anything else is null, never a reason to refuse the customer.
   */
  regNo: z.preprocess((v) => (typeof v === 'string' ? normaliseRegNo(v) : v ?? null), z.string().regex(/^(\d{9}|\d{8}|[A-Z]{2}\d{6}|R\d{7})$/).nullable()).optional(),
  active: z.boolean().default(true),
  externalVersion: z.string().nullish(),
  updatedAt: Instant.nullish(),
});
export type Customer = z.infer<typeof Customer>;
