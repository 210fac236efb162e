// The `relance` command line: dispatches sub-commands and turns errors into clear messages and exit codes.
import { ConfigError, loadConfig } from '../config.js';
import { commands, usage } from './commands.js';

export async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  const command = commands[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    const config = name === 'help' ? null : loadConfig();
    return await command.run(rest, config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\nUsage: relance ${name} ${command.args}\n`);
      return 2;
    }
    process.stderr.write(`relance ${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** A command was called with wrong arguments; the message says which and the usage line follows. */
export class UsageError extends Error {
  override name = 'UsageError';
}
