// The rules engine's public surface: penalties, calendars, policies, evaluator, risk, alerts, preview.
export * from './rate-tables.js';
export * from './late-payment-interest.js';
export * from './business-calendar.js';
export * from './policy.js';
export * from './policy-checks.js';
export * from './default-policies.js';
export * from './evaluate.js';
export * from './risk.js';
export * from './alerts.js';
export * from './preview.js';
export * from './rate-overrides.js';
