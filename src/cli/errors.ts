// Errors the CLI turns into exit codes.

/** A command was called with wrong arguments; the message says which and the usage line follows. */
export class UsageError extends Error {
  override name = 'UsageError';
}
