// For `npm run mutation` on the source-text scanner (src/json/source-text.ts) against its own tests alone: minutes
// instead of half an hour, since a surviving mutant runs no sync test. Its score is a floor of the one
// vitest.source-text.config.ts gives (which adds the sync tests that reach the scanner). Usage: README, mutation table.
import { orderedConfig } from './include-order.js';

export default orderedConfig(['test/json/source-text.test.ts']);
