// For the mutation configs: test files run in the order of the config's include list, the quick tests aimed at the
// module first, the slower sync and contract files after them. Stryker stops a mutant's run at its first failing test
// (bail), so a mutant a quick test kills costs that test alone; vitest's own order runs the largest files first.
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from '../../vitest.config.js';

/** A glob of the include list (`*` within one path segment, as these configs use) as a test on a root-relative path. */
const matches = (glob: string, path: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(path);

export function includeOrder(include: readonly string[]) {
  return class IncludeOrder extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const rank = (f: TestSpecification) => {
        const path = f.moduleId.slice(f.project.config.root.length).replace(/^\/+/, '');
        const i = include.findIndex((glob) => matches(glob, path));
        return i < 0 ? include.length : i;
      };
      return [...files].sort((a, b) => rank(a) - rank(b));
    }
  };
}

/** A mutation config: the project's vitest config on `include` alone, run in that order, one file at a time. */
export function orderedConfig(include: readonly string[]) {
  return defineConfig({
    test: {
      ...base.test,
      include: [...include],
      sequence: { sequencer: includeOrder(include) },
      maxWorkers: 1,
    },
  });
}
