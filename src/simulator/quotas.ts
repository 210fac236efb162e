// Request quotas as simulators declare them: named numbers per window, any of which can be lifted.

/** The quota names a simulator may enforce; page sizes, token lifetimes and CDC windows are behaviour, not quota. */
export const QUOTA_KEYS = ['perSecond', 'perMinute', 'perDay', 'concurrent', 'appPerMinute'] as const;

/** Sets every quota that `limits` declares to Infinity (the simulator still answers as the API does). */
export function liftQuotas(limits: object): void {
  const l = limits as Record<string, unknown>;
  for (const k of QUOTA_KEYS) if (typeof l[k] === 'number') l[k] = Number.POSITIVE_INFINITY;
}
