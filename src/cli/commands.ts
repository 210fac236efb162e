// The table of CLI commands: name, argument summary, description and implementation.
import type { Config } from '../config.js';
import { runMigrate } from './migrate.js';
import { runStart } from './start.js';

export interface Command {
  args: string;
  summary: string;
  run(args: string[], config: Config | null): Promise<number>;
}

export const commands: Record<string, Command> = {
  start: { args: '', summary: 'Run the service (HTTP + workers); embedded PostgreSQL unless DATABASE_URL is set.', run: (_a, c) => runStart(c!) },
  migrate: { args: '', summary: 'Apply pending database migrations and exit.', run: (_a, c) => runMigrate(c!) },
  help: { args: '', summary: 'Show this help.', run: async () => (process.stdout.write(usage()), 0) },
};

export function usage(): string {
  const width = Math.max(...Object.entries(commands).map(([n, c]) => `${n} ${c.args}`.length));
  const lines = Object.entries(commands).map(([n, c]) => `  ${`${n} ${c.args}`.padEnd(width)}  ${c.summary}`);
  return `Relance: accounts-receivable collections.\n\nUsage: relance <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nConfiguration comes from environment variables: see README.md.\n`;
}
