// Generated letters are downloadable from Activity, byte for byte, by their own tenant only.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../../src/http/app.js';
import { recordActivity, saveLetter } from '../../../src/store/activity.js';
import { useDatabase } from '../../support/db.js';
import { Browser, seedTenant, uiDeps } from './helpers.js';

const sql = useDatabase();
const app = createUi(uiDeps(sql));

describe('letters', () => {
  it('serves the stored PDF with its hash to its tenant and 404 to another', async () => {
    const a = await seedTenant(sql, [], []);
    const b = await seedTenant(sql, [], []);
    const pdf = Buffer.from('%PDF-1.7 mise en demeure — test bytes');
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const key = `${a.tenant.id}|inv:42|formal-notice|v1`;
    await saveLetter(sql, a.tenant.id, { actionKey: key, templateId: 'fr.mise-en-demeure', language: 'fr', formal: true, registered: true, trackingNumber: null, sha256, pdf });
    await recordActivity(sql, a.tenant.id, { connectionId: a.connection.id, actionKey: key, kind: 'sent', channel: 'letter', customerExternalId: 'c1', invoiceExternalIds: ['42'], reason: 'step 5', contentHash: sha256, proof: { sha256 } });

    const owner = new Browser(app);
    await owner.signIn(a.tenant.id);
    const page = await owner.request('/activity');
    expect(await page.text()).toContain(`/activity/letters/${encodeURIComponent(key)}`);
    const res = await owner.request(`/activity/letters/${encodeURIComponent(key)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-sha256')).toBe(sha256);
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);

    const stranger = new Browser(app);
    await stranger.signIn(b.tenant.id);
    expect((await stranger.request(`/activity/letters/${encodeURIComponent(key)}`)).status).toBe(404);
  });
});
