// Bundle a program the test suite starts hundreds of times (the abra double, the harness-runner
// CLI) into one ES module file per entry, so that a start reads one file instead of resolving and
// compiling some hundred modules: the abra double's start goes from ~0.5 s to ~0.2 s of CPU.
// Part of the package's `build` (turbo caches it with dist/**). Packages that must stay files of
// their own (native addons, Playwright, tsx) are given with --external.
//
//   node scripts/bundle-bin.mjs --outdir dist/bundle [--external pkg]... entry.ts...
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    outdir: { type: 'string' },
    external: { type: 'string', multiple: true, default: [] },
  },
});
if (!values.outdir || positionals.length === 0) {
  process.stderr.write('usage: bundle-bin.mjs --outdir DIR [--external PKG]... ENTRY...\n');
  process.exit(2);
}

await build({
  entryPoints: positionals,
  outdir: values.outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The workspace packages' `source` condition: bundle their TypeScript, not a stale dist.
  conditions: ['source'],
  external: values.external,
  outExtension: { '.js': '.js' },
  // CommonJS dependencies call require() on Node's modules; an ES module has none of its own.
  banner: {
    js: "import { createRequire as __ccciRequire } from 'node:module'; const require = __ccciRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
