// A small, strict parser for `--name value`, `--name=value` and boolean `--flag` options.
import { UsageError } from './errors.js';

export interface ParsedArgs {
  positional: string[];
  values: Map<string, string>;
  flags: Set<string>;
  /** Options that may be given several times (`--guarantee A --guarantee B`), in order. */
  lists: Map<string, string[]>;
}

export function parseArgs(args: string[], spec: { values?: string[]; flags?: string[]; lists?: string[] }): ParsedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  const takesValue = new Set(spec.values ?? []);
  const isFlag = new Set(spec.flags ?? []);
  const isList = new Set(spec.lists ?? []);
  const lists = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (isFlag.has(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
    } else if (takesValue.has(name) || isList.has(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      if (isList.has(name)) lists.set(name, [...(lists.get(name) ?? []), value]);
      else values.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, values, flags, lists };
}

/** A positive integer option, with a default. */
export function intOption(parsed: ParsedArgs, name: string, fallback: number, min = 0): number {
  const raw = parsed.values.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}
