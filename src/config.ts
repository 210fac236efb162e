// The one configuration object, parsed with zod from environment variables (documented in README.md).
import { resolve } from 'node:path';
import { z } from 'zod';

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .transform((s) => (s === '' ? undefined : s))
    .optional()
    .refine((s) => s === undefined || protocols.some((p) => s.startsWith(p)), {
      message: `must be a URL starting with ${protocols.join(' or ')}`,
    });

const port = z.coerce.number().int().min(0).max(65535);

export const ConfigSchema = z.object({
  DATABASE_URL: optionalUrl(['postgres://', 'postgresql://']),
  REDIS_URL: optionalUrl(['redis://', 'rediss://']),
  RELANCE_HOME: z.string().min(1).default('.relance'),
  PORT: port.default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  EMBEDDED_PG_PORT: port.default(54329),
  // Demo companies are served on loopback ports from here (one per provider, among the next 100).
  DEMO_PORTS_FROM: port.default(54400),
  RELANCE_SECRET_KEY: z
    .string()
    .optional()
    .refine((s) => s === undefined || s === '' || Buffer.from(s, 'base64').length === 32, {
      message: 'must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)',
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFAULT_TIME_ZONE: z.string().default('Europe/Paris'),
  PUBLIC_URL: z.string().optional(),
  SMTP_URL: optionalUrl(['smtp://', 'smtps://']),
  SMTP_FROM: z.string().optional(),
  ALERT_EMAIL: z.string().email().optional(),
  // Inbound mail (src/inbound): replies and bounces come back by an SMTP listener, an IMAP mailbox, or both.
  REPLY_ADDRESS: z.string().email().optional(),
  INBOUND_SMTP_PORT: port.optional(),
  INBOUND_SMTP_HOST: z.string().min(1).optional(),
  INBOUND_MAX_BYTES: z.coerce.number().int().min(10_000).default(10 * 1024 * 1024),
  INBOUND_SMTP_TLS_KEY: z.string().optional(),
  INBOUND_SMTP_TLS_CERT: z.string().optional(),
  INBOUND_IMAP_URL: optionalUrl(['imap://', 'imaps://']),
  INBOUND_IMAP_EVERY_MS: z.coerce.number().int().min(5_000).default(60_000),
  ALERT_WEBHOOK_URL: optionalUrl(['https://', 'http://']),
  ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  RATES_FILE: z.string().optional(),
  // The BODACC open-data API the insolvency watch reads (src/insolvency/bodacc.ts); set it for a mirror or a proxy.
  BODACC_URL: optionalUrl(['https://', 'http://']),
  // The State's company register search (src/insolvency/register.ts), for SIREN suggestions on a customer's page.
  COMPANY_REGISTER_URL: optionalUrl(['https://', 'http://']),
  // Companies House's public data API for UK company numbers (src/insolvency/companies-house.ts): a free REST API key
  // from the Companies House developer hub (a secret: never logged); without it UK customers are not watched (said in
  // the log). The URL is for a mirror, a proxy or a simulator.
  COMPANIES_HOUSE_API_KEY: z.string().trim().transform((s) => (s === '' ? undefined : s)).optional(),
  COMPANIES_HOUSE_URL: optionalUrl(['https://', 'http://']),
  // Reference-rate publishers (src/rates/publishers.ts); set them for a mirror, a proxy or `relance simulate-rates`.
  RATES_ECB_URL: optionalUrl(['https://', 'http://']),
  RATES_BOE_URL: optionalUrl(['https://', 'http://']),
  RATES_BUNDESBANK_URL: optionalUrl(['https://', 'http://']),
  // The French taux légal (src/rates/bdf.ts): fetched only with a Webstat API key; the series keys are UNCONFIRMED defaults.
  RATES_BDF_URL: optionalUrl(['https://', 'http://']),
  RATES_BDF_API_KEY: z.string().optional(),
  RATES_BDF_SERIES_OTHER: z.string().optional(),
  RATES_BDF_SERIES_INDIVIDUAL: z.string().optional(),
  QUEUE_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  // How long a starting process waits for PostgreSQL or Redis that are not reachable yet (starting or restarting with it).
  STARTUP_WAIT_MS: z.coerce.number().int().min(0).default(60_000),
  /** How often every connection's incremental sync runs, over each provider's own default (15 minutes); unset: the provider's. */
  SYNC_EVERY_MS: z.coerce.number().int().min(10_000).optional(),
  /**
   * Jobs a `work` (or `start`) process runs at once. Syncs and sends mostly wait on a provider's pace and on I/O, so a
   * slot costs little CPU; each running sync holds one database connection for its lock, and the pool grows with this
   * (src/store/db.ts, poolSizeFor).
   */
  WORK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(16),
  /** How long an outbox item may stay `sending` before another worker takes it over (a worker died mid-action). */
  OUTBOX_LEASE_MS: z.coerce.number().int().min(1000).default(5 * 60_000),
  /**
   * A reminder whose worker died after handing it to the SMTP server and before recording it: `hold` (default) does not
   * send it again and asks a person to check (at most once); `resend` sends it again with the same Message-ID.
   */
  SMTP_IN_DOUBT: z.enum(['hold', 'resend']).default('hold'),
  RELANCE_ADMIN_EMAIL: z.string().email().default('admin@localhost'),
  RELANCE_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
});

/** A provider app registered by the operator (client id/secret from the provider's developer portal). */
export interface ProviderApp {
  clientId: string;
  clientSecret: string;
  /** The key webhooks are signed with (called verifier token or webhook key by providers). */
  webhookSecret: string | null;
}

export type Config = z.infer<typeof ConfigSchema> & { home: string; apps: Record<string, ProviderApp> };

/** `<PROVIDER>_CLIENT_ID`, `<PROVIDER>_CLIENT_SECRET`, `<PROVIDER>_WEBHOOK_SECRET` for any provider, e.g. QUICKBOOKS_CLIENT_ID. */
function providerApps(env: NodeJS.ProcessEnv, problems: string[]): Record<string, ProviderApp> {
  const apps: Record<string, ProviderApp> = {};
  for (const [name, value] of Object.entries(env)) {
    const m = /^([A-Z][A-Z0-9]*)_CLIENT_ID$/.exec(name);
    if (!m || !value) continue;
    const prefix = m[1]!;
    const secret = env[`${prefix}_CLIENT_SECRET`];
    if (!secret) {
      problems.push(`${prefix}_CLIENT_SECRET="": required when ${name} is set (copy it from the provider's developer portal)`);
      continue;
    }
    apps[prefix.toLowerCase()] = { clientId: value, clientSecret: secret, webhookSecret: env[`${prefix}_WEBHOOK_SECRET`] || null };
  }
  return apps;
}

/** Raised for bad configuration: carries one line per offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix the variables above (see the Configuration table in README.md) and start again.`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError naming each bad variable and what it expects. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0])}=${JSON.stringify(env[String(i.path[0])] ?? '')}: ${i.message}`);
  const apps = providerApps(env, problems);
  if (!!env['INBOUND_SMTP_TLS_KEY'] !== !!env['INBOUND_SMTP_TLS_CERT']) {
    problems.push(`INBOUND_SMTP_TLS_${env['INBOUND_SMTP_TLS_KEY'] ? 'CERT' : 'KEY'}="": required with INBOUND_SMTP_TLS_${env['INBOUND_SMTP_TLS_KEY'] ? 'KEY' : 'CERT'} (the PEM files STARTTLS is offered with)`);
  }
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  return { ...parsed.data, home: resolve(parsed.data.RELANCE_HOME), apps };
}
