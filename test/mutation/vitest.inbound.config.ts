// For `npm run mutation` on the inbound-mail modules and the answers they share with the worklist (stryker.config.mjs,
// "portal and inbound mail": src/inbound/{classify,parse,receive,effects}.ts, src/worklist/answers.ts), against the
// real PostgreSQL, SMTP and IMAP servers of the global setup. The portal's own modules keep
// vitest.portal-inbound.config.ts; the worklist and portal page tests stay here for the answers they record
// (src/worklist/answers.ts, whose own test is second), and the placing-by-hand page test for src/inbound/effects.ts.
// Every file must pass when run again on the same database: Stryker reruns it for each mutant. Usage: README, Development.
import { orderedConfig } from './include-order.js';

/** Quickest and most direct first (see include-order.ts). */
const include = [
  'test/inbound/classify.test.ts',
  'test/worklist/answers.test.ts',
  'test/inbound/bad-input.test.ts',
  'test/inbound/replies.test.ts',
  'test/worklist/worklist.test.ts',
  'test/portal/portal.test.ts',
  'test/http/ui/mail.test.ts',
];

export default orderedConfig(include);
