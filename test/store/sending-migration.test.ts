// Migration 009 on a database that already has connections: they keep sending (a running service must not go quiet),
// one still being connected and every new one start off; the backfill is in the activity log.
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { connect } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { listActivity } from '../../src/store/activity.js';
import { getSending, MIGRATION_ACTOR, sendingActionKey } from '../../src/store/sending.js';
import { createConnection, createTenant, updateConnection } from '../../src/store/tenants.js';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../src/store/migrations');

describe('migration 009_sending_switch', () => {
  it('backfills existing connections on (pending ones off), defaults new ones off, and logs the backfill', async () => {
    const name = `sending_${randomUUID().replace(/-/g, '')}`;
    const admin = connect(inject('adminDatabaseUrl'), { max: 1 });
    await admin.unsafe(`create database ${name}`);
    const db = connect(inject('adminDatabaseUrl').replace(/\/postgres$/, `/${name}`), { max: 2 });
    try {
      // The schema as production has it before this migration.
      const before = mkdtempSync(join(tmpdir(), 'relance-mig-'));
      for (const f of readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql') && f < '009')) copyFileSync(join(MIGRATIONS, f), join(before, f));
      await migrate(db, before);
      const tenant = await createTenant(db, { name: 'Running company' });
      const running = await createConnection(db, tenant.id, { provider: 'quickbooks' });
      const paused = await createConnection(db, tenant.id, { provider: 'xero' });
      await updateConnection(db, tenant.id, paused.id, { status: 'paused' });
      const consenting = await createConnection(db, tenant.id, { provider: 'xero' });
      await updateConnection(db, tenant.id, consenting.id, { status: 'pending' });

      expect(await migrate(db, MIGRATIONS)).toContain('009_sending_switch.sql');

      for (const c of [running, paused]) expect(await getSending(db, tenant.id, c.id)).toMatchObject({ enabled: true, changedBy: MIGRATION_ACTOR });
      expect(await getSending(db, tenant.id, consenting.id)).toMatchObject({ enabled: false, changedBy: MIGRATION_ACTOR });
      const fresh = await createConnection(db, tenant.id, { provider: 'quickbooks' });
      expect(await getSending(db, tenant.id, fresh.id)).toEqual({ connectionId: fresh.id, enabled: false, changedAt: null, changedBy: null });

      const logged = await listActivity(db, tenant.id, { actionKey: sendingActionKey(running.id) });
      expect(logged.map((a) => [a.kind, a.actor, a.connectionId])).toEqual([['sending_on', MIGRATION_ACTOR, running.id]]);
      expect((await listActivity(db, tenant.id, { actionKey: sendingActionKey(consenting.id) })).map((a) => a.kind)).toEqual(['sending_off']);
    } finally {
      await db.end();
      await admin.unsafe(`drop database ${name} with (force)`);
      await admin.end();
    }
  });
});
