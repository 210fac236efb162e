// The Companies House reader: the strict parse of the insolvency resource (an administration with its office-holders,
// its end as a closing, a liquidation that follows as a conversion, malformed cases kept aside with their reason,
// receiverships skipped), and over real HTTP against the simulator: the Basic authorisation, 404 as "no history",
// 401, the 600-per-5-minutes window then 429, a server down or hanging, a body that is not the resource.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublisherUnavailable } from '../../src/insolvency/notice.js';
import { basicAuth, insolvencyUrl, parseInsolvency, readInsolvency } from '../../src/insolvency/companies-house.js';
import { serveCompaniesHouse, simulatedCase } from '../../src/simulator/companies-house.js';

const UK = 'SC123456';
const administration = (patch: Record<string, unknown> = {}) => ({
  type: 'in-administration',
  number: '1',
  dates: [{ type: 'administration-started-on', date: '2026-10-15' }],
  practitioners: [
    { name: 'Jane Smith', role: 'practitioner', appointed_on: '2026-10-15', address: { address_line_1: '1 High Street', locality: 'Leeds', postal_code: 'LS1 2TW' } },
    { name: 'Old Partner', role: 'practitioner', appointed_on: '2026-10-15', ceased_to_act_on: '2026-10-20', address: { address_line_1: '9 Gone Road', postal_code: 'LS2 1AA' } },
  ],
  ...patch,
});

describe('Companies House insolvency resource', () => {
  it('reads an administration as an opening on its start date, with the office-holders still acting', () => {
    const { notices, rejected, skipped } = parseInsolvency(UK, { etag: 'e', cases: [administration()], status: ['in-administration'] });
    expect(rejected).toEqual([]);
    expect(skipped).toEqual([]);
    expect(notices).toEqual([expect.objectContaining({
      source: 'companies_house', noticeId: 'SC123456-1-administration-started-on', regNo: UK, type: 'opening', court: null,
      judgmentDate: '2026-10-15', publicationDate: '2026-10-15', mandataire: 'Jane Smith (practitioner), 1 High Street, Leeds, LS1 2TW',
    })]);
  });

  it('makes the end of a case a closing, and a liquidation that follows an administration a conversion', () => {
    const ended = administration({ dates: [{ type: 'administration-started-on', date: '2026-10-15' }, { type: 'administration-ended-on', date: '2027-04-10' }] });
    // The spec's shapes as well as the served ones: an integer number, the address as an array.
    const cvl = { type: 'creditors-voluntary-liquidation', number: 2, dates: [{ type: 'wound-up-on', date: '2027-04-12' }], practitioners: [{ name: 'Jane Smith', role: 'final-liquidator', address: [{ address_line_1: '1 High Street', postal_code: 'LS1 2TW' }] }] };
    const { notices } = parseInsolvency(UK, { etag: 'e', cases: [cvl, ended] });
    expect(notices.map((n) => [n.noticeId, n.type, n.judgmentDate])).toEqual([
      ['SC123456-1-administration-started-on', 'opening', '2026-10-15'],
      ['SC123456-1-administration-ended-on', 'closing', '2027-04-10'],
      ['SC123456-2-wound-up-on', 'conversion', '2027-04-12'],
    ]);
    expect(notices[2]!.mandataire).toBe('Jane Smith (final-liquidator), 1 High Street, LS1 2TW');
    // Years after a closed case, a new case is new proceedings.
    const later = { ...cvl, dates: [{ type: 'wound-up-on', date: '2030-01-05' }] };
    expect(parseInsolvency(UK, { cases: [ended, later] }).notices.map((n) => n.type)).toEqual(['opening', 'closing', 'opening']);
    // A compulsory liquidation starts on the order, not the petition.
    const court = { type: 'compulsory-liquidation', number: '1', dates: [{ type: 'petitioned-on', date: '2026-09-01' }, { type: 'ordered-to-wind-up-on', date: '2026-10-20' }], practitioners: [] };
    expect(parseInsolvency(UK, { cases: [court] }).notices.map((n) => [n.type, n.judgmentDate, n.mandataire])).toEqual([['opening', '2026-10-20', null]]);
  });

  it('keeps a malformed case aside with its reason, skips receiverships, and still reads the good case', () => {
    const bad = [
      administration({ number: '2', dates: [{ type: 'administration-started-on', date: '15/10/2026' }] }),
      administration({ number: '3', type: 'something-new' }),
      administration({ number: '4', dates: [{ type: 'administration-ended-on', date: '2026-10-15' }] }),
      administration({ number: '5', dates: [{ type: 'administration-started-on', date: '2026-10-15' }, { type: 'administration-ended-on', date: '2026-01-01' }] }),
      { number: '6', dates: [] },
      'not a case',
    ];
    const receivership = { type: 'receiver-manager', number: '7', dates: [{ type: 'instrumented-on', date: '2025-01-01' }], practitioners: [] };
    const { notices, rejected, skipped } = parseInsolvency(UK, { cases: [...bad, receivership, administration()] });
    expect(notices.map((n) => n.noticeId)).toEqual(['SC123456-1-administration-started-on']);
    expect(skipped).toEqual(['SC123456-7']);
    expect(rejected.map((r) => [r.noticeId, r.reason])).toEqual([
      ['SC123456-2', 'dates.0.date: not a YYYY-MM-DD date'],
      ['SC123456-3', 'type: unknown case type "something-new"'],
      ['SC123456-4', expect.stringMatching(/^dates: no start date/)],
      ['SC123456-5', 'dates: administration-ended-on 2026-01-01 before administration-started-on 2026-10-15'],
      ['SC123456-6', expect.stringMatching(/^type: /)],
      [null, expect.stringMatching(/expected object/)],
    ]);
    expect(rejected[5]!.raw).toBe('not a case');
  });

  it('asks the company insolvency path for a normalised UK number only, with the key as the Basic username', () => {
    expect(insolvencyUrl('https://ch.example', UK)).toBe('https://ch.example/company/SC123456/insolvency');
    expect(insolvencyUrl('https://ch.example', '01234567')).toBe('https://ch.example/company/01234567/insolvency');
    expect(() => insolvencyUrl('https://ch.example', '732829320')).toThrow(/not a UK company number/);
    expect(basicAuth('my_api_key')).toBe('Basic bXlfYXBpX2tleTo='); // the example of Companies House's authorisation guide
  });
});

describe('Companies House over HTTP (simulator)', () => {
  let served: Awaited<ReturnType<typeof serveCompaniesHouse>>;
  let clock = 1_000_000;
  beforeAll(async () => { served = await serveCompaniesHouse({ [UK]: [simulatedCase({ number: 1, type: 'in-administration', dates: [{ type: 'administration-started-on', date: '2026-10-15' }], practitioners: [{ name: 'Jane Smith' }] })] }, { limit: 3, windowMs: 60_000, now: () => clock }); });
  afterAll(() => served.close());

  it('reads a case, treats 404 as no history, refuses a wrong key, then answers 429 past the window until it resets', async () => {
    const sim = served.simulator;
    const opts = { base: sim.base, apiKey: sim.apiKey };
    const read = await readInsolvency(UK, opts);
    expect(read.notices.map((n) => [n.type, n.judgmentDate, n.mandataire])).toEqual([['opening', '2026-10-15', 'Jane Smith (practitioner), 1 Simulated Street, London, EC1A 1AA']]);
    expect(await readInsolvency('00000006', opts)).toEqual({ notices: [], rejected: [], skipped: [] });

    const refused = await readInsolvency(UK, { ...opts, apiKey: 'wrong' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PublisherUnavailable);
    expect((refused as PublisherUnavailable).status).toBe(401);
    expect((refused as Error).message).toMatch(/check COMPANIES_HOUSE_API_KEY/);
    expect((refused as Error).message).not.toContain('wrong');

    await readInsolvency(UK, opts); // the third request of the window
    const limited = await readInsolvency(UK, opts).catch((e: unknown) => e);
    expect((limited as PublisherUnavailable).status).toBe(429);
    expect(await readInsolvency(UK, opts).catch((e: PublisherUnavailable) => e.status)).toBe(429); // the rest of the period too
    clock += 60_000;
    expect((await readInsolvency(UK, opts)).notices).toHaveLength(1);
    expect(sim.state.asked).toEqual([UK, '00000006', UK, UK]);
  });

  it('reports a server down, hanging or answering something else as unavailable', async () => {
    const sim = served.simulator;
    const opts = { base: sim.base, apiKey: sim.apiKey };
    for (const [fault, want] of [['down', /answered 503/], ['timeout', /unreachable/], ['malformed', /resource unreadable: cases/]] as const) {
      clock += 60_000;
      sim.state.fault = fault;
      const e = await readInsolvency(UK, opts).catch((x: unknown) => x);
      expect(e, fault).toBeInstanceOf(PublisherUnavailable);
      expect((e as Error).message).toMatch(want);
    }
    sim.state.fault = null;
  });
});
