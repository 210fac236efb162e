// For `npm run mutation` on the portal and inbound-mail handlers (stryker.config.mjs, "portal and inbound mail"): the
// customer portal's links, answers, penalties and routes, and the replies read from the SMTP listener or the IMAP
// mailbox, against the real PostgreSQL, SMTP and IMAP servers of the global setup. The browser drives of the same
// paths (test/browser) are left out: each mutant would cost a Chromium run. Usage: README, Development, mutation table.
import { orderedConfig } from './include-order.js';

/** Quickest and most direct first (see include-order.ts). */
const include = [
  'test/inbound/classify.test.ts',
  'test/portal/penalties.test.ts',
  'test/inbound/bad-input.test.ts',
  'test/portal/portal.test.ts',
  'test/worklist/worklist.test.ts',
  'test/worklist/priority.test.ts',
  'test/inbound/replies.test.ts',
  'test/inbound/tls.test.ts',
];

export default orderedConfig(include);
