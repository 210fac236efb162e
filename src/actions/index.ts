// Action executors: email (SMTP), letters (PDF), alerts and tasks, driven from the outbox; templates in French and English.
export * from './format.js';
export * from './templates.js';
export * from './vars.js';
export * from './letter.js';
export * from './email.js';
export * from './executor.js';
export * from './store-lookups.js';
export * from './letterhead.js';
