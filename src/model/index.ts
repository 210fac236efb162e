// The normalized accounts-receivable model: zod schemas, inferred types, money and date helpers.
export * from './currency.js';
export * from './money.js';
export * from './dates.js';
export * from './primitives.js';
export * from './customer.js';
export * from './invoice.js';
export * from './credit-note.js';
export * from './payment.js';
export * from './entities.js';
export * from './collections.js';
export * from './company-ids.js';
export * from './company-profile.js';
