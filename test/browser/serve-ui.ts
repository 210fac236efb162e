// Serves createUi in its own process (run through tsx, as the service runs), so demo companies load their simulator like in production.
import { serve } from '@hono/node-server';
import { connectors, simulators } from '../../connectors/index.js';
import { loadConfig } from '../../src/config.js';
import { ConnectorRegistry } from '../../src/connectors/registry.js';
import { createSite as createUi } from '../../src/http/app.js';
import { connect } from '../../src/store/db.js';

const env = process.env;
const config = loadConfig({ RELANCE_HOME: env['RELANCE_HOME'] ?? '.relance', HOST: '127.0.0.1', PORT: env['PORT'] ?? '8787' });
const sql = connect(env['DATABASE_URL']!, { max: 4 });
const app = createUi({
  sql,
  secretKey: Buffer.alloc(32, 3),
  config,
  registry: new ConnectorRegistry(connectors, simulators),
  admin: { email: env['ADMIN_EMAIL']!, password: env['ADMIN_PASSWORD']! },
  demo: { ports: JSON.parse(env['DEMO_PORTS'] ?? '{}') as Record<string, number>, invoices: Number(env['DEMO_INVOICES'] ?? 40), seed: 7 },
});
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: '127.0.0.1' }, () => process.stdout.write(`listening on ${config.PORT}\n`));
process.on('SIGTERM', () => {
  server.close();
  void sql.end({ timeout: 2 }).then(() => process.exit(0));
});
