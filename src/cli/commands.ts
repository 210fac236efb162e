// The table of CLI commands: name, argument summary, description and implementation. Each command's module is loaded
// when it runs: `relance work` carries neither the HTTP server and its pages nor the simulators it never uses.
import type { Command } from './context.js';
import type { Role } from './start.js';

const runService = async (role: Role, c: Parameters<Command['run']>[1]) => (await import('./start.js')).runService(role, c);

export const commands: Record<string, Command> = {
  start: { args: '', summary: 'Run the service (HTTP + workers); embedded PostgreSQL unless DATABASE_URL is set.', run: (_a, c) => runService('all', c) },
  serve: { args: '', summary: 'Run the HTTP server only (settings, API, webhooks, OAuth callbacks).', run: (_a, c) => runService('serve', c) },
  work: { args: '', summary: 'Run the workers only (sync, webhooks, rules, actions); needs REDIS_URL to share work.', run: (_a, c) => runService('work', c) },
  connect: {
    args: '<provider> --demo [--seed S] [--invoices N] [--customers N] [--port P]',
    summary: 'Connect a tenant to a simulated demo company (real OAuth flow) and print the connection id.',
    run: async (a, c) => (await import('./connect.js')).runConnect(a, c.config!, c.connectors, c.simulators),
  },
  simulate: {
    args: '<provider> [--port P] [--seed S] [--invoices N] [--latency MS] [--no-quota]',
    summary: 'Serve a provider simulator on a local port (prints its base URL) until stopped.',
    needsConfig: false,
    run: async (a, c) => (await import('./simulate.js')).runSimulate(a, c.simulators),
  },
  sync: { args: '<connection-id> [--full] [--json]', summary: 'Sync one connection now, with progress and a summary.', run: async (a, c) => (await import('./sync.js')).runSync(a, c.config!, c.connectors, c.simulators) },
  migrate: { args: '', summary: 'Apply pending database migrations and exit.', run: async (_a, c) => (await import('./migrate.js')).runMigrate(c.config!) },
  map: {
    args: '<provider> <customer|invoice|credit_note|payment> [--mapping FILE] [--context JSON]',
    summary: 'Map one raw provider record (JSON on stdin) to the normalized model (JSON on stdout).',
    needsConfig: false,
    async run(a, c) {
      const result = await (await import('../mapping/cli.js')).runMapCli(a, await c.stdin());
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      return result.code;
    },
  },
  penalty: {
    args: '--jurisdiction FR|UK|DE|EU|US --amount A --currency C --due DATE [--paid DATE:AMOUNT ...] [--reduction DATE:AMOUNT ...] [--as-of DATE] [--debtor business|consumer] [--notice DATE] [--contract-rate PCT]',
    summary: 'Compute statutory late-payment interest and fixed compensation (JSON).',
    needsConfig: false,
    run: async (a, c) => (await import('./penalty.js')).runPenalty(a, c.addedRates),
  },
  rates: {
    args: '[--refresh] [--json]',
    summary: 'List the known reference-rate periods per rate with their source; --refresh fetches them from the publishers now.',
    run: async (a, c) => (await import('./rates.js')).runRates(a, c.config!, c.addedRates),
  },
  'simulate-rates': {
    args: '[--port P] [--today DATE]',
    summary: 'Serve simulators of the rate publishers (ECB, Bank of England, Bundesbank) and print the RATES_*_URL settings.',
    needsConfig: false,
    run: async (a) => (await import('./simulate-rates.js')).runSimulateRates(a),
  },
  preview: { args: '<connection-id> [--days 30] [--json]', summary: 'Show what would be sent in the next days, and why (no side effects).', run: async (a, c) => (await import('./preview.js')).runPreview(a, c.config!, c.addedRates) },
  'recovery-file': {
    args: '<connection-id> <customer-id> [--as-of DATE] [--out FILE.pdf] [--zip FILE.zip] [--json] [--csv]',
    summary: "A customer's recovery file (French requête en injonction de payer or UK Letter of Claim) as one PDF, with the claim and what is missing; --zip adds the documents, each invoice's PDF read from the books.",
    run: async (a, c) => (await import('./recovery-file.js')).runRecoveryFile(a, c.config!, c.addedRates, { connectors: c.connectors, simulators: c.simulators }),
  },
  'insolvency-declaration': {
    args: '--tenant ID --connection ID --customer ID [--notice ID] [--out FILE.pdf] [--retention-of-title] [--guarantee TEXT ...]',
    summary: "A customer's claim in insolvency proceedings (déclaration de créance or UK proof of debt) at the judgment date, as one PDF.",
    run: async (a, c) => (await import('./insolvency-declaration.js')).runInsolvencyDeclaration(a, c.config!, c.addedRates),
  },
  sending: {
    args: '<connection-id> [on|off] [--json]',
    summary: 'Show, or turn on or off, what a connection sends (off for a new company until someone turns it on).',
    run: async (a, c) => (await import('./sending.js')).runSending(a, c.config!),
  },
  help: { args: '', summary: 'Show this help.', needsConfig: false, run: async () => (process.stdout.write(usage()), 0) },
};

export function usage(): string {
  const rows = Object.entries(commands).map(([n, c]) => [n, c.args.length > 40 ? '[options]' : c.args, c.summary] as const);
  const width = Math.max(...rows.map(([n, a]) => `${n} ${a}`.length));
  const lines = rows.map(([n, a, s]) => `  ${`${n} ${a}`.padEnd(width)}  ${s}`);
  return `Relance: accounts-receivable collections.\n\nUsage: relance <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "relance <command> --help" for a command's options. Configuration comes from environment variables: see README.md.\n`;
}
