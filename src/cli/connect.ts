// `relance connect <provider> --demo`: a tenant connected, through the real OAuth flow, to a simulator-backed demo company.
import type { Config } from '../config.js';
import { ConnectorRegistry, type SimulatorLoaders } from '../connectors/registry.js';
import type { Connector } from '../connectors/types.js';
import { redirectUri } from '../connectors/clients.js';
import { defaultDemoPort, hostDemo, type DemoSettings } from '../demo/host.js';
import { createRateGate, memoryBackend } from '../connectors/rate-gate.js';
import { openRuntime } from '../runtime.js';
import { createSyncDeps } from '../sync/deps.js';
import { installWriteback } from '../sync/install.js';
import { createConnection, createTenant, saveCredentials, updateConnection } from '../store/tenants.js';
import { intOption, parseArgs } from './args.js';
import { UsageError } from './errors.js';

export async function runConnect(args: string[], config: Config, connectors: readonly Connector[], simulators: SimulatorLoaders): Promise<number> {
  const parsed = parseArgs(args, { values: ['seed', 'invoices', 'customers', 'payments', 'credit-notes', 'port', 'tenant', 'locale'], flags: ['demo'] });
  const [provider, extra] = parsed.positional;
  const registry = new ConnectorRegistry(connectors, simulators);
  if (!provider || extra) throw new UsageError(`name one provider: ${registry.providers().join(', ')}`);
  if (!registry.has(provider)) throw new UsageError(`unknown provider "${provider}"; known: ${registry.providers().join(', ')}`);
  if (!parsed.flags.has('demo')) {
    throw new UsageError(`real companies connect in the browser: run "relance start", open http://${config.HOST}:${config.PORT}/ and choose Connections (set ${provider.toUpperCase()}_CLIENT_ID and ${provider.toUpperCase()}_CLIENT_SECRET first). Add --demo to connect a simulated company now.`);
  }
  const connector = registry.get(provider);
  const invoices = intOption(parsed, 'invoices', 300, 0);
  const demo: DemoSettings = {
    provider,
    seed: intOption(parsed, 'seed', 1, 0),
    invoices,
    customers: intOption(parsed, 'customers', Math.max(5, Math.round(invoices / 8)), 1),
    ...(parsed.values.has('payments') ? { payments: intOption(parsed, 'payments', 0, 0) } : {}),
    creditNotes: intOption(parsed, 'credit-notes', Math.round(invoices * 0.06), 0),
    port: intOption(parsed, 'port', defaultDemoPort(provider), 1),
  };
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const runtime = await openRuntime(config, { log: say });
  const host = await hostDemo(config.home, demo, registry, say);
  try {
    const tenant = await createTenant(runtime.sql, { name: parsed.values.get('tenant') ?? `Demo ${connector.displayName}`, locale: parsed.values.get('locale') ?? 'fr', timeZone: config.DEFAULT_TIME_ZONE });
    const connection = await createConnection(runtime.sql, tenant.id, { provider });
    await runtime.sql`update connections set settings = ${JSON.stringify({ app: host.app, demo })}::text::jsonb where tenant_id = ${tenant.id} and id = ${connection.id}`;
    const client = { clientId: host.app.clientId, clientSecret: host.app.clientSecret, redirectUri: redirectUri(config, provider), endpoints: host.app.endpoints };
    // The real authorization-code flow: the simulator's consent page answers at once with a redirect to our callback.
    const consent = await fetch(connector.auth.authorizeUrl(client, `demo-${connection.id}`), { redirect: 'manual' });
    const location = consent.headers.get('location');
    if (consent.status !== 302 || !location) throw new Error(`the demo consent page answered ${consent.status} without a redirect`);
    const callback = Object.fromEntries(new URL(location).searchParams.entries());
    if (!callback['code']) throw new Error(`the demo consent redirect carried no code (${callback['error'] ?? 'no error given'})`);
    const { tokens, externalTenantId } = await connector.auth.exchangeCode(client, callback['code'], callback);
    await saveCredentials(runtime.sql, runtime.secretKey, tenant.id, connection.id, tokens);
    await updateConnection(runtime.sql, tenant.id, connection.id, { externalTenantId, status: 'active' });
    const deps = createSyncDeps({ sql: runtime.sql, secretKey: runtime.secretKey, registry, gate: createRateGate(memoryBackend()), config });
    const notInstalled = await installWriteback(deps, tenant.id, connection.id);
    if (notInstalled) say(`Write-back set-up postponed to the first write-back: ${notInstalled}`);
    process.stdout.write(`${connection.id}\n`);
    say(`Connected tenant "${tenant.name}" to the demo ${connector.displayName} company ${externalTenantId} (${demo.invoices} invoices, seed ${demo.seed}, served on ${host.url}).`);
    say(`Next: relance sync ${connection.id}    then: relance preview ${connection.id} --days 30`);
    say(`Sending is off for this new company: nothing goes out until you review the preview and run: relance sending ${connection.id} on`);
    return 0;
  } finally {
    await host.close();
    await runtime.close();
  }
}
