// The reference rates the penalty engine reads, by kind, and one rate as the law's rule derives it for a half-year:
// the publishers' readers (src/rates) produce them, the store keeps them.

/**
 * The French taux de l'intérêt légal is two rates per semester (CMF L313-2): `fr_legal_other` for "tous les autres
 * cas" (a business creditor, what the penalty engine reads) and `fr_legal_individual` for creditors who are natural
 * persons not acting for professional needs.
 */
export const RATE_KINDS = ['ecb_mro', 'uk_bank_rate', 'de_basiszinssatz', 'fr_legal_other', 'fr_legal_individual'] as const;
export type RateKind = (typeof RATE_KINDS)[number];

export interface PeriodRate {
  period: string;
  value: string;
  /** The day the law reads the rate on. */
  effectiveOn: string;
  /** The publisher's date of the observation used. */
  publishedOn: string;
}
