// The BODACC reader: the strict parse of "procédures collectives" records (types, mandataire, a malformed notice kept
// aside with its reason) and a publisher that is down (PublisherUnavailable, so the caller retries and loses nothing).
import { describe, expect, it } from 'vitest';
import { SIREN, record } from './fixtures.js';
import { PublisherUnavailable, noticeType, parseNotices, readNotices, recordsUrl } from '../../src/insolvency/bodacc.js';

describe('BODACC notices', () => {
  it('reads an opening judgment with its dates, court and mandataire', () => {
    const { notices, rejected, skipped } = parseNotices(SIREN, [record()]);
    expect(rejected).toEqual([]);
    expect(skipped).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      source: 'bodacc', noticeId: 'A202400123456', regNo: SIREN, type: 'opening', court: 'TRIBUNAL DE COMMERCE DE LYON',
      judgmentDate: '2024-03-05', publicationDate: '2024-03-15', mandataire: 'SELARL MJ Synergie, 230 rue Garibaldi 69003 Lyon',
    });
  });

  it('classifies conversion, plan and closing judgments, and skips the ones the watch does not act on', () => {
    expect(noticeType('Jugement de conversion en liquidation judiciaire')).toBe('conversion');
    expect(noticeType('Jugement arrêtant le plan de redressement')).toBe('plan');
    expect(noticeType("Jugement de clôture pour insuffisance d'actif")).toBe('closing');
    expect(noticeType("Jugement d'ouverture de liquidation judiciaire")).toBe('opening');
    const { notices, skipped } = parseNotices(SIREN, [record({ id: 'B1' }, { nature: "Dépôt de l'état des créances" })]);
    expect(notices).toEqual([]);
    expect(skipped).toEqual(['B1']);
  });

  it('keeps a malformed notice aside with its reason and still reads the good ones', () => {
    const bad = [
      record({ id: 'X1', dateparution: '15/03/2024' }),
      record({ id: 'X2', jugement: '{not json' }),
      record({ id: 'X3' }, { date: undefined }),
      record({ id: 'X4', registre: ['999 999 999'] }),
      { no: 'id at all' },
    ];
    const { notices, rejected } = parseNotices(SIREN, [...bad, record()]);
    expect(notices.map((n) => n.noticeId)).toEqual(['A202400123456']);
    expect(rejected.map((r) => r.noticeId)).toEqual(['X1', 'X2', 'X3', 'X4', null]);
    expect(rejected[0]!.reason).toMatch(/dateparution: not a YYYY-MM-DD date/);
    expect(rejected[1]!.reason).toBe('jugement: not JSON');
    expect(rejected[2]!.reason).toMatch(/^jugement\.date/);
    expect(rejected[3]!.reason).toBe(`registre: names 999999999, asked ${SIREN}`);
    expect(rejected[4]!.raw).toEqual({ no: 'id at all' });
  });

  it('asks the records endpoint for the SIREN in the collective-proceedings family and refuses a non-SIREN', () => {
    const url = new URL(recordsUrl('https://pub.example', SIREN));
    expect(url.pathname).toBe('/catalog/datasets/annonces-commerciales/records');
    expect(url.searchParams.get('where')).toBe(`registre like "${SIREN}" and familleavis = "collective"`);
    expect(() => recordsUrl('https://pub.example', '55210055')).toThrow(/not a SIREN/);
  });

  it('reports a publisher that is down, unreachable or answering garbage as unavailable', async () => {
    await expect(readNotices(SIREN, { get: async () => ({ status: 503, body: 'down' }) })).rejects.toBeInstanceOf(PublisherUnavailable);
    await expect(readNotices(SIREN, { get: async () => { throw new Error('ECONNRESET'); } })).rejects.toThrow(/unreachable: ECONNRESET/);
    await expect(readNotices(SIREN, { get: async () => ({ status: 200, body: '<html>' }) })).rejects.toThrow(/page unreadable/);
    const ok = await readNotices(SIREN, { get: async () => ({ status: 200, body: { total_count: 1, results: [record()] } }) });
    expect(ok.notices).toHaveLength(1);
  });
});
