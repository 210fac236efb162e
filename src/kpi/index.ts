// Collections KPIs: pure formulas, the ledger rebuilt at any date, per-currency snapshots, SQL loading, SVG charts.
export * from './formulas.js';
export * from './ledger.js';
export * from './snapshot.js';
export * from './queries.js';
export * from './charts.js';
