// Reference lists of the simulated company: items, payment terms and currency names.

export interface Item {
  id: string;
  name: string;
  accountId: string;
  accountName: string;
}

/** The company's items, in the order of the kit's SERVICES (a plan's line names its service by index). */
export const ITEMS: readonly Item[] = [
  { id: '1', name: 'Conseil', accountId: '79', accountName: 'Ventes de services' },
  { id: '2', name: 'Formation', accountId: '79', accountName: 'Ventes de services' },
  { id: '3', name: 'Maintenance annuelle', accountId: '80', accountName: 'Contrats de maintenance' },
  { id: '4', name: 'Licence logicielle', accountId: '81', accountName: 'Ventes de licences' },
  { id: '5', name: 'Transport', accountId: '79', accountName: 'Ventes de services' },
  { id: '6', name: 'Installation', accountId: '79', accountName: 'Ventes de services' },
  { id: '7', name: 'Heures de développement', accountId: '79', accountName: 'Ventes de services' },
  { id: '8', name: 'Fournitures', accountId: '82', accountName: 'Ventes de marchandises' },
];

export function itemById(id: string): Item {
  return ITEMS.find((i) => i.id === id) ?? { id, name: `Item ${id}`, accountId: '79', accountName: 'Ventes de services' };
}

export interface Term {
  id: string;
  name: string;
  days: number;
}

export const TERMS: readonly Term[] = [
  { id: '1', name: 'Due on receipt', days: 0 },
  { id: '2', name: 'Net 15', days: 15 },
  { id: '3', name: 'Net 30', days: 30 },
  { id: '4', name: 'Net 45', days: 45 },
  { id: '5', name: 'Net 60', days: 60 },
];

export function termById(id: string): Term {
  return TERMS.find((t) => t.id === id) ?? { id: '3', name: 'Net 30', days: 30 };
}

const CURRENCY_NAMES: Record<string, string> = {
  EUR: 'Euro',
  USD: 'United States Dollar',
  GBP: 'British Pound Sterling',
  CAD: 'Canadian Dollar',
  CHF: 'Swiss Franc',
  AUD: 'Australian Dollar',
};

export function currencyName(code: string): string {
  return CURRENCY_NAMES[code] ?? code;
}

/** User shown in MetaData.LastModifiedByRef and in Stale Object Error details. */
export const COMPANY_USER = { id: '9341455000000100', name: 'Camille Martin' };
