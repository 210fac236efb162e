// Every connector this build ships; the CLI and workers hand this list to the registry at start-up.
import type { Connector } from '../src/connectors/types.js';
import { quickbooks } from './quickbooks/index.js';
import { xero } from './xero/index.js';

export const connectors: readonly Connector[] = [quickbooks, xero];
