// A team member's role in a company: what each may change is said in src/http/auth/roles.ts.
export const ROLES = ['admin', 'collector', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const isRole = (s: unknown): s is Role => typeof s === 'string' && (ROLES as readonly string[]).includes(s);
