import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// One project per workspace package, discovered from the folders so a new package needs no
// edit here. Tests import siblings through the `source` export condition: no test depends on
// another package's built output.
const roots = ['packages', 'apps'].flatMap((dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'package.json')))
        .map((d) => join(dir, d.name))
    : [],
);

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: roots.map((root) => ({
      extends: true,
      test: {
        name: root.split('/').pop() ?? root,
        root,
        include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      },
    })),
  },
});
