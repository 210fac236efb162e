// Connecting a company: OAuth authorization code with a server-side state, demo companies, marketplace installs, and the choice of company.
import { AppNotConfigured, clientConfigFor, redirectUri } from '../connectors/clients.js';
import { createTokenSource } from '../connectors/tokens.js';
import type { OAuthTokens } from '../connectors/types.js';
import { clearCursors } from '../store/cursors.js';
import { countDocuments } from '../store/documents.js';
import { defaultDemoPort, hostDemo, hostDemosFor, type DemoSettings } from '../demo/host.js';
import { saveOAuthState, takeOAuthState } from '../store/auth.js';
import { upsertUser, type User } from '../store/team.js';
import { createConnection, createTenant, deleteTenant, findConnectionsByExternalTenant, getConnection, listConnections, loadCredentials, renameTenant, saveCredentials, updateConnection, type Connection } from '../store/tenants.js';
import { installWriteback } from '../sync/install.js';
import type { AppDeps, InlineSync } from './deps.js';
import { inlineSyncDeps, requestSync } from './sync.js';

/** Starts a real-app authorization: a pending connection and a single-use state bound to this session; returns the provider URL. */
export async function startAuthorization(deps: AppDeps, tenantId: string, sessionId: string | null, provider: string): Promise<string> {
  const connector = deps.registry.get(provider);
  const client = clientConfigFor(deps.config, provider);
  const connection = await createConnection(deps.sql, tenantId, { provider });
  await updateConnection(deps.sql, tenantId, connection.id, { status: 'pending', statusDetail: 'waiting for the provider’s consent' });
  const state = await saveOAuthState(deps.sql, { tenantId, sessionId, provider, connectionId: connection.id });
  return connector.auth.authorizeUrl(client, state);
}

export class CallbackRefused extends Error {
  override name = 'CallbackRefused';
}

/**
 * Finishes an authorization from the provider's redirect: the state must be known, unexpired, unused, for this provider
 * and (for a browser) this session. Tokens are exchanged and stored encrypted. Returns the connection.
 */
export async function completeAuthorization(deps: InlineSync, provider: string, params: Record<string, string>, sessionId: string | null): Promise<{ tenantId: string; connection: Connection; companyName: string | null }> {
  const state = params['state'];
  if (!state) throw new CallbackRefused('The provider’s answer carried no state: start the connection again from Connections.');
  const pending = await takeOAuthState(deps.sql, state);
  if (!pending || pending.provider !== provider || (pending.sessionId !== null && pending.sessionId !== sessionId)) {
    throw new CallbackRefused('This authorization link is unknown, expired or already used: start the connection again from Connections.');
  }
  const connection = await getConnection(deps.sql, pending.tenantId, pending.connectionId);
  if (!connection) throw new CallbackRefused('The connection being authorized no longer exists.');
  if (params['error'] || !params['code']) {
    const why = params['error_description'] ?? params['error'] ?? 'no authorization code';
    await updateConnection(deps.sql, pending.tenantId, connection.id, { status: 'error', statusDetail: `Authorization refused by ${provider}: ${why}` });
    throw new CallbackRefused(`${provider} did not authorize the connection (${why}).`);
  }
  const connector = deps.registry.get(provider);
  const client = clientConfigFor(deps.config, provider, connection);
  const { tokens, externalTenantId, companyName } = await connector.auth.exchangeCode(client, params['code'], params);
  await saveCredentials(deps.sql, deps.secretKey, pending.tenantId, connection.id, tokens);
  await updateConnection(deps.sql, pending.tenantId, connection.id, { externalTenantId, status: 'active', statusDetail: null });
  // Write-back's own set-up at the provider; if it fails, the first write-back does it.
  await installWriteback(inlineSyncDeps(deps), pending.tenantId, connection.id);
  return { tenantId: pending.tenantId, connection: { ...connection, externalTenantId, status: 'active' }, companyName: companyName?.trim() || null };
}

/**
 * Connects the provider's demo company through the same authorization-code flow (as `relance connect --demo`):
 * the simulator's consent page answers at once with a redirect, which is completed server-side.
 */
export async function connectDemo(deps: InlineSync, tenantId: string, sessionId: string, provider: string): Promise<Connection> {
  const connector = deps.registry.get(provider);
  const invoices = deps.demo?.invoices ?? 120;
  const demo: DemoSettings = {
    provider,
    seed: deps.demo?.seed ?? 1,
    invoices,
    customers: Math.max(5, Math.round(invoices / 8)),
    creditNotes: Math.round(invoices * 0.06),
    port: deps.demo?.ports?.[provider] ?? defaultDemoPort(provider),
  };
  const host = await hostDemo(deps.config.home, demo, deps.registry);
  try {
    const connection = await createConnection(deps.sql, tenantId, { provider, settings: { app: host.app, demo } });
    const state = await saveOAuthState(deps.sql, { tenantId, sessionId, provider, connectionId: connection.id });
    const client = { clientId: host.app.clientId, clientSecret: host.app.clientSecret, redirectUri: redirectUri(deps.config, provider), endpoints: host.app.endpoints };
    const consent = await fetch(connector.auth.authorizeUrl(client, state), { redirect: 'manual' });
    const location = consent.headers.get('location');
    if (consent.status !== 302 || !location) throw new Error(`the demo consent page answered ${consent.status} without a redirect`);
    const params = Object.fromEntries(new URL(location).searchParams.entries());
    return (await completeAuthorization(deps, provider, params, sessionId)).connection;
  } finally {
    await host.close();
  }
}

export function appConfigured(deps: AppDeps, provider: string): boolean {
  try {
    clientConfigFor(deps.config, provider);
    return true;
  } catch (err) {
    if (err instanceof AppNotConfigured) return false;
    throw err;
  }
}

/**
 * A marketplace install: the provider's app store sends the user here with no Relance account. A company is created,
 * connected through the authorization-code flow, and the callback opens a session locked to it.
 */
export async function startInstall(deps: AppDeps, provider: string): Promise<string> {
  const connector = deps.registry.get(provider);
  const tenant = await createTenant(deps.sql, { name: connector.displayName, timeZone: deps.config.DEFAULT_TIME_ZONE });
  // No session yet: the state alone carries the install to the callback.
  return startAuthorization(deps, tenant.id, null, provider);
}

/**
 * After an install's consent: when this company was already installed (a reinstall), its tenant keeps everything and
 * takes the fresh tokens; the provisional tenant goes. Returns the tenant the installer's session is bound to.
 */
export async function settleInstall(deps: AppDeps, provider: string, tenantId: string, connection: Connection, companyName: string | null = null): Promise<string> {
  const earlier = (await findConnectionsByExternalTenant(deps.sql, provider, connection.externalTenantId!)).filter((c) => c.tenantId !== tenantId);
  const previous = earlier[0];
  if (!previous) {
    // Named as the books name it; the provider's own company id is never a name a person recognises.
    await renameTenant(deps.sql, tenantId, companyName ?? deps.registry.get(provider).displayName);
    return tenantId;
  }
  const tokens = await loadCredentials(deps.sql, deps.secretKey, tenantId, connection.id);
  if (tokens) await saveCredentials(deps.sql, deps.secretKey, previous.tenantId, previous.id, tokens);
  await updateConnection(deps.sql, previous.tenantId, previous.id, { status: 'active', statusDetail: null });
  await deleteTenant(deps.sql, tenantId);
  return previous.tenantId;
}

/**
 * An install's consent completed with no session: the company settled (settleInstall), its connection synced, and the
 * installer made an admin of it (#23), a team member, so their changes carry their name. The installer's session is
 * then bound to the returned tenant.
 */
export async function finishInstall(deps: InlineSync, provider: string, done: { tenantId: string; connection: Connection; companyName: string | null }): Promise<{ tenantId: string; installer: User }> {
  const tenantId = await settleInstall(deps, provider, done.tenantId, done.connection, done.companyName);
  const connection = (await listConnections(deps.sql, tenantId)).find((x) => x.provider === provider && x.externalTenantId === done.connection.externalTenantId);
  if (connection) await requestSync(deps, tenantId, connection);
  const installer = await upsertUser(deps.sql, tenantId, `${provider}:${done.connection.externalTenantId}`, 'admin', 'marketplace install');
  return { tenantId, installer };
}

/** A company a connection's login reaches, as the provider names it. */
export interface Company {
  id: string;
  name: string;
}

/**
 * The companies the connection's login reaches, when its provider lets one consent reach several (a user of several
 * businesses) and the user should pick; null when there is nothing to pick. A demo company is hosted meanwhile.
 */
export async function companiesToPick(deps: AppDeps, tenantId: string, connection: Connection): Promise<Company[] | null> {
  const connector = deps.registry.get(connection.provider);
  if (!connector.auth.tenants) return null;
  const client = clientConfigFor(deps.config, connection.provider, connection);
  const closeDemos = await hostDemosFor(deps.config.home, [connection], deps.registry);
  try {
    // A valid access token (refreshed under the connection's lock and saved first, as for a sync).
    const accessToken = await createTokenSource({ sql: deps.sql, secretKey: deps.secretKey, connector, client, tenantId, connectionId: connection.id }).accessToken();
    const stored = await loadCredentials<OAuthTokens>(deps.sql, deps.secretKey, tenantId, connection.id);
    if (!stored) return null;
    const companies = await connector.auth.tenants(client, { ...stored, accessToken });
    return companies.length > 1 ? companies : null;
  } finally {
    await closeDemos();
  }
}

/** Whether the connection has stored anything yet: its company can be changed only before its first sync stored data. */
export async function hasSyncedData(deps: AppDeps, tenantId: string, connectionId: string): Promise<boolean> {
  for (const entity of ['customer', 'invoice', 'credit_note', 'payment'] as const) if ((await countDocuments(deps.sql, tenantId, entity, connectionId)) > 0) return true;
  return false;
}

export class CompanyRefused extends Error {
  override name = 'CompanyRefused';
}

/**
 * Points the connection at one of the companies its login reaches. Refused once data is stored (records of two
 * companies would mix under one connection: disconnect and connect again instead). The sync cursors start over.
 */
export async function chooseCompany(deps: AppDeps, tenantId: string, connection: Connection, companyId: string): Promise<Connection> {
  if (await hasSyncedData(deps, tenantId, connection.id)) throw new CompanyRefused('locked');
  const companies = await companiesToPick(deps, tenantId, connection);
  if (!companies?.some((x) => x.id === companyId)) throw new CompanyRefused('unknown');
  await updateConnection(deps.sql, tenantId, connection.id, { externalTenantId: companyId, status: 'active', statusDetail: null });
  // A company named after the business first chosen (at install) takes the name of the one picked; a name the user
  // gave stays.
  const before = companies.find((x) => x.id === connection.externalTenantId)?.name;
  const picked = companies.find((x) => x.id === companyId)!.name;
  if (before && picked !== companyId) await renameTenant(deps.sql, tenantId, picked, { ifNamed: before });
  await clearCursors(deps.sql, tenantId, connection.id);
  return { ...connection, externalTenantId: companyId, status: 'active', statusDetail: null };
}
