// For `npm run mutation` on the customer portal alone (src/portal/{links,answers,penalties,limits}.ts, src/app/portal.ts,
// src/http/ui/portal/pages.tsx): the portal's own tests through the real app, the worklist tests that record and decide
// portal answers, and the French-pages scan (the portal page in French), on the real PostgreSQL and SMTP sink of the
// global setup. The inbound-mail tests of vitest.portal-inbound.config.ts reach none of these files; the browser drives
// (test/browser) are left out: each mutant would cost a Chromium run. Usage: README, Development, mutation table.
import { orderedConfig } from './include-order.js';

/** Quickest and most direct first (see include-order.ts). */
const include = [
  'test/portal/links.test.ts',
  'test/portal/portal.test.ts',
  'test/portal/*.test.ts',
  'test/worklist/worklist.test.ts',
  'test/worklist/priority.test.ts',
  'test/http/ui/french-pages.test.ts',
];

export default orderedConfig(include);
