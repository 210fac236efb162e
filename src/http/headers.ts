// Security headers on every answer of the product (pages, portal, API): no sniffing, no referrer across sites, and for HTML a strict CSP, no framing, no caching.
import type { MiddlewareHandler } from 'hono';

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('X-Content-Type-Options', 'nosniff');
  // A route's own policy stands (the portal's PDF: no-referrer, its address is the customer's key); same-origin otherwise.
  if (!c.res.headers.has('Referrer-Policy')) c.header('Referrer-Policy', 'same-origin');
  if (c.res.headers.get('content-type')?.startsWith('text/html')) {
    c.header('Content-Security-Policy', CSP);
    c.header('X-Frame-Options', 'DENY');
    c.header('Cache-Control', 'no-store');
  }
};
