// A package's build (its `build` script, run in the package folder by turbo): every
// `src/**/*.ts` but the tests, transpiled file for file to `dist/**/*.js` with esbuild, the
// transform vitest and tsx already run the sources through. Types are checked once for the
// whole workspace by `pnpm typecheck` (one tsc program, record 145); no package reads
// another's `.d.ts`, so the build makes none (record 146).
//
// `--bundle ENTRY` (repeatable) also bundles ENTRY and all it imports into one ES module in
// `dist/bundle/`: for a program the test suite starts hundreds of times (the abra double),
// a start then reads one file instead of resolving and compiling some hundred modules
// (0.22 s of CPU instead of 0.54 s, record 144).
//
//   node ../../scripts/build-package.mjs [--bundle src/x/main.ts]...
//
// turbo's `dependsOn: ["^build"]` stays although no build reads another's dist/: it puts the
// dependencies' hashes into a package's cache key, so a change in @ccci/abra rebuilds the
// testbed's bundle, which holds abra's sources.
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({
  options: { bundle: { type: 'string', multiple: true, default: [] } },
});

const sources = readdirSync('src', { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile() && /(?<!\.test|\.d)\.ts$/.test(d.name))
  .map((d) => relative('.', join(d.parentPath, d.name)));

const common = { platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' };

// A file removed from src/ must not live on in dist/.
rmSync('dist', { recursive: true, force: true });
await build({ ...common, entryPoints: sources, outdir: 'dist', outbase: 'src', sourcemap: true });
if (values.bundle.length > 0) {
  await build({
    ...common,
    entryPoints: values.bundle,
    outdir: 'dist/bundle',
    // Named after the entry's file alone (src/abra-double/main.ts → dist/bundle/main.js), as
    // the bins expect, however many entries there are.
    entryNames: '[name]',
    bundle: true,
    // The workspace packages' `source` condition: bundle their TypeScript, not their dist.
    conditions: ['source'],
    // CommonJS dependencies call require() on Node's modules; an ES module has none of its own.
    banner: {
      js: "import { createRequire as __ccciRequire } from 'node:module'; const require = __ccciRequire(import.meta.url);",
    },
  });
}
