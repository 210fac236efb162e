// `npm run mutation:repeatable -- <vitest config>…`: runs each mutation config's test files twice in one vitest
// instance, on one database and one Redis, as Stryker's vitest runner reruns them once per mutant, and lists the tests
// that passed the first time and failed the second. Such a test fails whatever the mutant: every failure counts as a
// kill and inflates the score (fixed Message-IDs, used-up per-address limits: #20). Exit code 1 when any is found.
import { createVitest } from 'vitest/node';

const configs = process.argv.slice(2);
if (configs.length === 0) {
  process.stderr.write('usage: npm run mutation:repeatable -- test/mutation/vitest.<group>.config.ts …\n');
  process.exit(2);
}

const key = (t: { module: { moduleId: string }; fullName: string }) => `${t.module.moduleId.replace(`${process.cwd()}/`, '')} > ${t.fullName}`;
let found = 0;
for (const config of configs) {
  process.stderr.write(`${config}: first run…\n`);
  const vitest = await createVitest('test', { config, watch: false, reporters: [{}] });
  try {
    await vitest.standalone();
    const specs = await vitest.globTestSpecifications();
    const first = await vitest.runTestSpecifications(specs, true);
    const passed = new Set(first.testModules.flatMap((m) => [...m.children.allTests('passed')].map(key)));
    const failedFirst = first.testModules.flatMap((m) => [...m.children.allTests('failed')].map(key));
    process.stderr.write(`${config}: ${passed.size} passed, ${failedFirst.length} failed; second run…\n`);
    const second = await vitest.rerunTestSpecifications(specs, true);
    const broke = second.testModules.flatMap((m) => [...m.children.allTests('failed')].map(key)).filter((k) => passed.has(k));
    found += broke.length;
    process.stdout.write(`${config}: ${specs.length} files, ${passed.size} tests passed the first run; ${broke.length} of them failed the second${broke.length ? ':' : ''}\n`);
    for (const k of broke) process.stdout.write(`  ${k}\n`);
    for (const k of failedFirst) process.stdout.write(`  (failed the first run already: ${k})\n`);
  } finally {
    await vitest.close();
  }
}
process.exitCode = found ? 1 : 0;
