// Fixed-window rate limits for the portal, counted in PostgreSQL so every process of the service shares them.
import type { Sql } from '../store/db.js';

/** Counts one hit on `bucket`; false once `limit` hits were counted in the current window of `windowSeconds`. */
export async function hit(sql: Sql, bucket: string, limit: number, windowSeconds: number, now = new Date()): Promise<boolean> {
  const [row] = await sql<{ hits: number }[]>`
    insert into portal_hits (bucket, window_start, hits) values (${bucket}, ${now}, 1)
    on conflict (bucket) do update set
      hits = case when portal_hits.window_start <= ${now}::timestamptz - make_interval(secs => ${windowSeconds}) then 1 else portal_hits.hits + 1 end,
      window_start = case when portal_hits.window_start <= ${now}::timestamptz - make_interval(secs => ${windowSeconds}) then ${now} else portal_hits.window_start end
    returning hits`;
  return row!.hits <= limit;
}
