// Who may change what: one table for the pages and the API, checked server-side before any mutating route runs.
// admin: everything; collector: works the list, pauses and answers; viewer: reads only.
import type { Role } from '../../store/team.js';

/** Posts that only concern the person themselves (signing in or out, an invitation, a language): open to every role. */
const ANYONE = [/^\/signout$/, /^\/signin$/, /^\/lang$/, /^\/invite\/[^/]+$/];

/** What a collector may change, on the pages and in the API. */
const COLLECTOR = [
  /^\/tasks(\/|$)/,
  /^\/customers\/[^/]+\/[^/]+\/pauses(\/[^/]+\/resolve)?$/,
  /^\/customers\/[^/]+\/[^/]+\/portal\/answers\/[^/]+\/[^/]+$/,
  /^\/customers\/[^/]+\/[^/]+\/reg-no(\/forget)?$/,
  /^\/customers\/[^/]+\/[^/]+\/recovery\/hand-off$/,
  /^\/api\/v1\/tasks(\/|$)/,
  /^\/api\/v1\/connections\/[^/]+\/pauses$/,
  /^\/api\/v1\/pauses\/[^/]+\/resolve$/,
];

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether `role` may send `method path`; reads are always allowed (the tenant scoping decides what is seen). */
export function mayRequest(role: Role, method: string, path: string): boolean {
  if (READS.has(method.toUpperCase())) return true;
  if (role === 'admin') return true;
  if (ANYONE.some((r) => r.test(path))) return true;
  if (role === 'collector') return COLLECTOR.some((r) => r.test(path));
  return false;
}

/** Whether a role may change anything at all (pages hide their forms otherwise). */
export const canWrite = (role: Role) => role !== 'viewer';
/** Whether a role may work the list: snooze, close, record a call. */
export const canWork = (role: Role) => role === 'admin' || role === 'collector';
