// Bull Board (jobs, retries, dead letters) at /admin/queues, behind the admin's credentials.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import { basicAuth } from 'hono/basic-auth';

export const BOARD_PATH = '/admin/queues';

export function boardRoutes(queues: unknown[], admin: { email: string; password: string }): Hono {
  const adapter = new HonoAdapter(serveStatic);
  adapter.setBasePath(BOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q as Queue)), serverAdapter: adapter });
  const app = new Hono();
  app.use('*', basicAuth({ username: admin.email, password: admin.password, realm: 'Relance admin' }));
  app.route('/', adapter.registerPlugin());
  return app;
}
