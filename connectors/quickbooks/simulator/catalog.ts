// Reference lists of the simulated company: items, payment terms, currency names, and name pools for seeding.

export interface Item {
  id: string;
  name: string;
  accountId: string;
  accountName: string;
  /** Typical unit price range in minor units. */
  min: number;
  max: number;
}

export const ITEMS: readonly Item[] = [
  { id: '1', name: 'Conseil', accountId: '79', accountName: 'Ventes de services', min: 45_000, max: 120_000 },
  { id: '2', name: 'Formation', accountId: '79', accountName: 'Ventes de services', min: 80_000, max: 250_000 },
  { id: '3', name: 'Maintenance annuelle', accountId: '80', accountName: 'Contrats de maintenance', min: 30_000, max: 180_000 },
  { id: '4', name: 'Licence logicielle', accountId: '81', accountName: 'Ventes de licences', min: 9_900, max: 49_900 },
  { id: '5', name: 'Transport', accountId: '79', accountName: 'Ventes de services', min: 8_500, max: 62_000 },
  { id: '6', name: 'Installation', accountId: '79', accountName: 'Ventes de services', min: 25_000, max: 95_000 },
  { id: '7', name: 'Heures de développement', accountId: '79', accountName: 'Ventes de services', min: 6_500, max: 9_500 },
  { id: '8', name: 'Fournitures', accountId: '82', accountName: 'Ventes de marchandises', min: 1_250, max: 18_900 },
];

export function itemById(id: string): Item {
  return ITEMS.find((i) => i.id === id) ?? { id, name: `Item ${id}`, accountId: '79', accountName: 'Ventes de services', min: 0, max: 0 };
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

export const FRENCH_TRADES = ['Boulangerie', 'Atelier', 'Transports', 'Cabinet', 'Menuiserie', 'Imprimerie', 'Garage', 'Pharmacie', 'Librairie', 'Fromagerie', 'Brasserie', 'Domaine', 'Plomberie', 'Agence'];
export const FRENCH_SURNAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'Fournier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Rousseau', 'Vincent', 'Mercier', 'Chevalier'];
export const FRENCH_GIVEN = ['Camille', 'Julien', 'Sophie', 'Nicolas', 'Claire', 'Antoine', 'Élodie', 'Mathieu', 'Aurélie', 'Thomas', 'Léa', 'Hugo', 'Chloé', 'Louis'];
export const FRENCH_FORMS = [' SARL', ' SAS', ' SA', ' & Fils', ''];
export const FRENCH_CITIES: readonly [string, string][] = [
  ['Paris', '75011'], ['Lyon', '69003'], ['Marseille', '13006'], ['Toulouse', '31000'], ['Nantes', '44000'],
  ['Bordeaux', '33000'], ['Lille', '59000'], ['Rennes', '35000'], ['Strasbourg', '67000'], ['Grenoble', '38000'],
];
export const FRENCH_STREETS = ['rue de la République', 'avenue Jean Jaurès', 'boulevard Voltaire', 'rue du Moulin', 'place du Marché', 'rue Victor Hugo', 'chemin des Vignes'];

export const ENGLISH_PREFIXES = ['Harbor', 'Northwind', 'Bluebell', 'Oakridge', 'Riverside', 'Summit', 'Granite', 'Silverline', 'Kestrel', 'Maple', 'Thistle', 'Copperfield'];
export const ENGLISH_TRADES = ['Logistics', 'Consulting', 'Supplies', 'Foods', 'Design', 'Engineering', 'Media', 'Traders', 'Builders', 'Analytics'];
export const ENGLISH_FORMS = [' Ltd', ' LLP', ' Limited', ''];
export const ENGLISH_GIVEN = ['Dana', 'Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Emily', 'Jack', 'Grace', 'Noah'];
export const ENGLISH_SURNAMES = ['Reyes', 'Smith', 'Jones', 'Taylor', 'Brown', 'Walker', 'Wright', 'Hughes', 'Evans', 'Clarke'];
export const ENGLISH_CITIES: readonly [string, string][] = [['London', 'EC1V 9HX'], ['Manchester', 'M1 4BT'], ['Bristol', 'BS1 5TR'], ['Leeds', 'LS1 4AP'], ['Edinburgh', 'EH1 1YZ']];
export const ENGLISH_STREETS = ['High Street', 'Station Road', 'Church Lane', 'Mill Road', 'Victoria Street'];

export const LINE_DESCRIPTIONS: Record<string, string[]> = {
  '1': ['Mission de conseil', 'Audit organisationnel', 'Accompagnement projet'],
  '2': ['Formation utilisateurs', 'Atelier collaborateurs'],
  '3': ['Contrat de maintenance', 'Support annuel'],
  '4': ['Licence annuelle', 'Abonnement logiciel'],
  '5': ['Livraison', 'Transport palettes', 'Affrètement'],
  '6': ['Installation sur site', 'Mise en service'],
  '7': ['Développement spécifique', 'Heures de développement'],
  '8': ['Fournitures de bureau', 'Consommables'],
};

/** User shown in MetaData.LastModifiedByRef and in Stale Object Error details. */
export const COMPANY_USER = { id: '9341455000000100', name: 'Camille Martin' };
