// `relance map <provider> <entity> [--mapping FILE] [--context JSON]`: one raw record on stdin → normalized JSON.
import { readFile } from 'node:fs/promises';
import { ENTITIES, isEntityKind } from '../model/entities.js';
import { compileMapping, loadShippedMapping, mapRecord, MappingSyntaxError, type CompiledMapping } from './loader.js';

export const MAP_USAGE = `usage: relance map <provider> <entity> [--mapping FILE] [--context JSON]
  Reads one raw provider record (the entity object, e.g. an Invoice as the provider's API returns it) on stdin and prints the
  normalized record. entity: ${ENTITIES.join(' | ')}. --mapping tries a mapping file instead of the shipped one;
  --context sets mapping context keys, e.g. '{"homeCurrency":"EUR"}'.`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const usage = (problem: string): CliResult => ({ code: 2, stdout: '', stderr: `${problem}\n${MAP_USAGE}\n` });
const failure = (message: string): CliResult => ({ code: 1, stdout: '', stderr: `${message}\n` });

function parse(argv: string[]): { provider: string; entity: string; mapping?: string; context?: string } | string {
  const args = argv[0] === 'map' ? argv.slice(1) : argv;
  const positional: string[] = [];
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (name !== 'mapping' && name !== 'context') return `unknown option --${name}`;
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') return `--${name} needs a value`;
    values[name] = value;
  }
  if (positional.length !== 2) return 'give a provider and an entity';
  return { provider: positional[0]!, entity: positional[1]!, ...values };
}

/** Runs the command; never throws and never exits, so the CLI and tests share it. */
export async function runMapCli(argv: string[], stdin: string): Promise<CliResult> {
  const parsed = parse(argv);
  if (typeof parsed === 'string') return usage(parsed);
  const { provider, entity } = parsed;
  if (!isEntityKind(entity)) return usage(`unknown entity "${entity}"`);

  let context: Record<string, unknown> = {};
  if (parsed.context !== undefined) {
    try {
      const value: unknown = JSON.parse(parsed.context);
      if (!value || typeof value !== 'object' || Array.isArray(value)) return usage('--context must be a JSON object');
      context = value as Record<string, unknown>;
    } catch {
      return usage('--context is not valid JSON');
    }
  }

  let mapping: CompiledMapping;
  try {
    if (parsed.mapping !== undefined) {
      mapping = compileMapping(await readFile(parsed.mapping, 'utf8'));
    } else {
      if (!/^[a-z0-9_-]+$/.test(provider)) return usage(`unknown provider "${provider}"`);
      mapping = loadShippedMapping(provider, entity);
    }
  } catch (err) {
    if (err instanceof MappingSyntaxError) return failure(`(mapping): ${err.message}`);
    const message = err instanceof Error ? err.message : String(err);
    return parsed.mapping !== undefined ? failure(`(mapping): cannot read ${parsed.mapping}: ${message}`) : usage(message);
  }

  let raw: unknown;
  try {
    raw = JSON.parse(stdin);
  } catch (err) {
    return failure(`(input): stdin is not JSON: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return failure('(input): give one record (a JSON object) on stdin');

  const result = await mapRecord(mapping, entity, raw, { provider, ...context });
  if (result.ok === true) return { code: 0, stdout: `${JSON.stringify(result.value, null, 2)}\n`, stderr: '' };
  // A skip is a correct outcome (e.g. a supplier bill): nothing on stdout, the reason on stderr, exit 0.
  if (result.ok === 'skipped') return { code: 0, stdout: '', stderr: `skipped: ${result.reason}\n` };
  return failure(`${result.error.path}: ${result.error.reason}`);
}
