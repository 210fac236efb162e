// What every simulator's scenario section shares: a user's edit that races the next API write, and amounts as decimal strings.
import { http, type HttpHandler } from 'msw';
import { fromMinorUnits } from '../model/money.js';

/**
 * An msw handler placed before the provider's own, on every path under `apiBase`: once armed, the next write
 * (any method but GET) first runs the user's edit, then falls through to the provider's handler, which sees the
 * edited record. This is the race write-back meets when a user saves the invoice between our read and our write.
 */
export function racingEdits(apiBase: string): { handler: HttpHandler; arm(edit: () => void): void } {
  let armed: (() => void) | null = null;
  const handler = http.all(`${apiBase}/*`, ({ request }) => {
    if (!armed || request.method === 'GET') return undefined;
    const edit = armed;
    armed = null;
    edit();
    return undefined;
  });
  return {
    handler,
    arm(edit) {
      armed = edit;
    },
  };
}

/** Integer minor units as the decimal string the normalized model uses: 12050 EUR → "120.50". */
export const decimal = (minor: number, currency: string): string => fromMinorUnits(BigInt(minor), currency);
