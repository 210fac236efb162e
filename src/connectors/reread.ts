// Deletions inferred from a re-read by id: only from an answer that provably honoured the id filter.
import { UnfilteredAnswer } from './errors.js';

/** Ids compare as the providers treat them: GUIDs in any case, numeric ids as text. */
const norm = (id: string) => id.toLowerCase();

/**
 * The requested ids that `rows` lacks, for an answer the provider filtered on those ids. An answer holding any other
 * id was not filtered (the provider ignored the parameter and served its first page): UnfilteredAnswer, never a
 * deletion guessed from a truncated list.
 */
export function absentFrom<R>(source: string, requested: readonly string[], rows: readonly R[], idOf: (row: R) => string): string[] {
  const asked = new Set(requested.map(norm));
  const found = new Set<string>();
  const unexpected: string[] = [];
  for (const row of rows) {
    const id = norm(idOf(row));
    if (asked.has(id)) found.add(id);
    else unexpected.push(idOf(row));
  }
  if (unexpected.length) throw new UnfilteredAnswer(source, unexpected);
  return requested.filter((id) => !found.has(norm(id)));
}
