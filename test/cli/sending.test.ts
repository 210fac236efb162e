// `relance sending <connection-id> [on|off]` through the real binary: says what it did, logs who did it, and errors say what to do next.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { listActivity } from '../../src/store/activity.js';
import { planActions } from '../../src/store/outbox.js';
import { getSending, sendingActionKey } from '../../src/store/sending.js';
import { runCli } from '../support/cli.js';
import { newTenant, useDatabase } from '../support/db.js';

const sql = useDatabase();
const env = { DATABASE_URL: inject('databaseUrl'), RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-sending-cli-')), LOG_LEVEL: 'warn' };

describe('relance sending', () => {
  it('shows the switch, turns it on and off, says what it did and records the operator', { timeout: 120_000 }, async () => {
    const t = await newTenant(sql, 'quickbooks');
    const id = t.connection.id;
    await planActions(sql, t.tenant.id, [{ idempotencyKey: `k-${id}`, kind: 'email', dueAt: new Date(Date.now() - 60_000).toISOString(), payload: {}, connectionId: id }]);

    const shown = await runCli(['sending', id], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`Sending is OFF for quickbooks connection ${id} (company "${t.tenant.name}").`);
    expect(shown.stdout).toContain(`1 due action(s) are waiting. Review them with "relance preview ${id}", then: relance sending ${id} on`);

    const on = await runCli(['sending', id, 'on'], { env });
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toMatch(new RegExp(`^Sending is now ON for quickbooks connection ${id} \\(company "${t.tenant.name}"\\)\\. Recorded in the activity log as cli \\(.+\\)\\.$`, 'm'));
    expect(on.stdout).toContain('go out at the running service\'s next pass (within a minute)');
    expect((await getSending(sql, t.tenant.id, id))!.enabled).toBe(true);

    const again = await runCli(['sending', id, 'on'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Sending was already ON for .* since \S+ \(by cli \(.+\)\); nothing changed\.$/m);

    const off = await runCli(['sending', id, 'off', '--json'], { env });
    expect(off.code, off.stderr).toBe(0);
    expect(JSON.parse(off.stdout)).toMatchObject({ connectionId: id, enabled: false, changed: true, held: 1, changedBy: expect.stringMatching(/^cli \(.+\)$/) });

    const log = await listActivity(sql, t.tenant.id, { actionKey: sendingActionKey(id) });
    expect(log.map((a) => [a.kind, (a.proof as { via: string }).via])).toEqual([
      ['sending_off', 'cli'],
      ['sending_on', 'cli'],
    ]);
    expect(log.every((a) => /^cli \(.+\)$/.test(a.actor ?? ''))).toBe(true);
  });

  it('exits 2 with the next step for an unknown connection or a wrong position', { timeout: 120_000 }, async () => {
    const unknown = await runCli(['sending', '00000000-0000-4000-8000-000000000000', 'on'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no connection 00000000-0000-4000-8000-000000000000: use the id "relance connect" printed, or the one on the Connections page');
    expect(unknown.stderr).toContain('Usage: relance sending <connection-id> [on|off] [--json]');

    const t = await newTenant(sql);
    const wrong = await runCli(['sending', t.connection.id, 'yes'], { env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('say "on" or "off", not "yes"');
    expect((await getSending(sql, t.tenant.id, t.connection.id))!.enabled).toBe(false);

    const none = await runCli(['sending'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give one connection id, then on or off');
  });
});
