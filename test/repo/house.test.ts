// The house rules, read from the imports: product code never reaches into test/, src/ never names a provider, a connector never uses its simulator.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { ROOT, filesUnder, importsOf, localImports } from './imports.js';

const stripComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

describe('the house', () => {
  it('reads imports of every form (so the rules below can fail)', () => {
    expect(importsOf(`import { a } from '../x.js';\nexport * from "./y.js";\nimport './z.js';\nconst m = await import('../../test/q.js');\nimport type {\n  T,\n} from '../t.js';`)).toEqual(['../x.js', './y.js', '../t.js', './z.js', '../../test/q.js']);
  });

  it('no product file (src, connectors, workers, bin) imports anything under test/', () => {
    const offences = ['src', 'connectors', 'workers', 'bin'].flatMap(filesUnder).flatMap((f) => localImports(f).filter((t) => t === 'test' || t.startsWith('test/')).map((t) => `${f} → ${t}`));
    expect(offences).toEqual([]);
  });

  it('src/ never imports a provider folder and never names a provider in its code', () => {
    const names = connectors.map((c) => c.provider);
    expect(names.length).toBeGreaterThan(1);
    const files = filesUnder('src');
    const imports = files.flatMap((f) => localImports(f).filter((t) => t.startsWith('connectors/') && !t.startsWith('connectors/index')).map((t) => `${f} → ${t}`));
    expect(imports).toEqual([]);
    const named = files.flatMap((f) => {
      const code = stripComments(readFileSync(join(ROOT, f), 'utf8'));
      return names.filter((n) => new RegExp(`\\b${n}\\b`, 'i').test(code)).map((n) => `${f} names ${n}`);
    });
    expect(named).toEqual([]);
  });

  it("a connector's own files never import its simulator, and a simulator never imports its connector", () => {
    const offences: string[] = [];
    for (const { provider } of connectors) {
      for (const f of filesUnder(`connectors/${provider}`)) {
        const inSimulator = f.startsWith(`connectors/${provider}/simulator/`);
        for (const t of localImports(f)) {
          if (!inSimulator && t.startsWith(`connectors/${provider}/simulator`)) offences.push(`${f} → ${t}`);
          if (inSimulator && t.startsWith('connectors/') && !t.startsWith(`connectors/${provider}/simulator`)) offences.push(`${f} → ${t}`);
          if (inSimulator && t.startsWith('src/') && !t.startsWith('src/simulator/') && !t.startsWith('src/model/')) offences.push(`${f} → ${t}`);
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it("a connector's own files reach the provider only through the kit's HTTP layer (no direct axios)", () => {
    // src/connectors/http.ts classifies every answer (AuthExpired, RateLimited, ProviderUnavailable, an unparsable body);
    // a direct axios call in a connector would turn a truncated or refused answer into something else.
    const offences = connectors.flatMap(({ provider }) =>
      filesUnder(`connectors/${provider}`)
        .filter((f) => !f.startsWith(`connectors/${provider}/simulator/`) && !/\.test\.ts$/.test(f))
        .filter((f) => importsOf(readFileSync(join(ROOT, f), 'utf8')).some((t) => t === 'axios' || t.startsWith('axios/')))
        .map((f) => `${f} imports axios`),
    );
    expect(offences).toEqual([]);
  });

  it('every registered provider has the same folder shape', () => {
    const expected = ['auth.ts', 'client.ts', 'index.ts', 'streams.ts', 'webhooks.ts', 'writeback.ts', 'simulator/index.ts'];
    for (const { provider } of connectors) {
      const present = filesUnder(`connectors/${provider}`).map((f) => f.slice(`connectors/${provider}/`.length));
      expect(present, provider).toEqual(expect.arrayContaining(expected));
    }
  });
});
