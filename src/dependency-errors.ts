// Errors that say Relance's own Redis or PostgreSQL is unreachable (restarting, failing over), as the two client
// libraries raise them. They are no fault of the work in hand, which waits for its dependencies rather than giving up.

/**
 * postgres.js: the connection dropped, was refused a query after its server restarted, or could not be made in time;
 * PostgreSQL itself (SQLSTATE class 57, operator intervention): shutting down (57P01, 57P02) or not yet accepting
 * connections while it starts or recovers (57P03).
 */
const POSTGRES_DOWN_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P02', '57P03']);

export function ownDependencyDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // ioredis: a command that waited through its reconnection attempts, or was sent on a connection already closed.
  if (err.name === 'MaxRetriesPerRequestError' || err.message === 'Connection is closed.') return true;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && POSTGRES_DOWN_CODES.has(code);
}
