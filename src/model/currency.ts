// ISO 4217 currency codes in circulation, with the number of minor-unit digits each one uses.

const ZERO = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR = 'CLF UYW';
const TWO =
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
  'CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS ' +
  'GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL ' +
  'MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK ' +
  'PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS ' +
  'TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VES VED WST XCD XCG YER ZAR ZMW ZWG';

const table = new Map<string, number>();
for (const [codes, digits] of [[TWO, 2], [ZERO, 0], [THREE, 3], [FOUR, 4]] as const) {
  for (const code of codes.split(' ')) table.set(code, digits);
}

/** True when `code` is an active ISO 4217 currency code. */
export function isCurrency(code: string): boolean {
  return table.has(code);
}

/** Number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, KWD 3); throws on an unknown code. */
export function minorUnits(code: string): number {
  const digits = table.get(code);
  if (digits === undefined) throw new Error(`unknown currency "${code}": expected an ISO 4217 code such as EUR`);
  return digits;
}
