// The PostgreSQL store: connection, migrations, and one repository module per aggregate; every query takes the tenant.
export * from './db.js';
export * from './migrate.js';
export * from './embedded.js';
export * from './secrets.js';
export * from './tenants.js';
export * from './documents.js';
export * from './quarantine.js';
export * from './cursors.js';
export * from './inbox.js';
export * from './outbox.js';
export * from './pauses.js';
export * from './policies.js';
export * from './templates.js';
