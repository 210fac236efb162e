// Which OAuth app a connection uses: the operator's registered app, or the simulator app a demo connection was created with.
import type { Config } from '../config.js';
import type { Connection } from '../store/tenants.js';
import type { OAuthClientConfig } from './types.js';

/** Kept in `connections.settings.app` for demo connections: public simulator credentials, never a real secret. */
export interface DemoApp {
  clientId: string;
  clientSecret: string;
  webhookSecret: string | null;
  endpoints: NonNullable<OAuthClientConfig['endpoints']>;
}

export class AppNotConfigured extends Error {
  override name = 'AppNotConfigured';
}

export function redirectUri(config: Pick<Config, 'PUBLIC_URL' | 'HOST' | 'PORT'>, provider: string): string {
  const base = config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
  return `${base.replace(/\/$/, '')}/oauth/${provider}/callback`;
}

function demoApp(connection: Pick<Connection, 'settings'>): DemoApp | null {
  const app = connection.settings['app'];
  return app && typeof app === 'object' && 'clientId' in app ? (app as DemoApp) : null;
}

export function clientConfigFor(config: Pick<Config, 'apps' | 'PUBLIC_URL' | 'HOST' | 'PORT'>, provider: string, connection?: Pick<Connection, 'settings'>): OAuthClientConfig {
  const demo = connection ? demoApp(connection) : null;
  if (demo) return { clientId: demo.clientId, clientSecret: demo.clientSecret, redirectUri: redirectUri(config, provider), endpoints: demo.endpoints };
  const app = config.apps[provider];
  if (!app) {
    const p = provider.toUpperCase();
    throw new AppNotConfigured(`No ${provider} app is configured. Set ${p}_CLIENT_ID and ${p}_CLIENT_SECRET (from the provider's developer portal), or try the demo: relance connect ${provider} --demo`);
  }
  return { clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: redirectUri(config, provider) };
}

export function webhookSecretFor(config: { apps: Readonly<Record<string, { webhookSecret: string | null } | undefined>> }, provider: string, connection?: Pick<Connection, 'settings'>): string | null {
  const demo = connection ? demoApp(connection) : null;
  return demo?.webhookSecret ?? config.apps[provider]?.webhookSecret ?? null;
}
