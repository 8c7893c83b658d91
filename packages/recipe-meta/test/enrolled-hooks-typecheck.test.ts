// Enrolled hooks.ts files are typed code: type-check them against this package's types (the
// static analysis at load time only checks names and parameter counts).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const recipes = join(repoRoot, 'recipes');
const hookFiles = readdirSync(recipes)
  .map((name) => join(recipes, name, 'hooks.ts'))
  .filter((f) => existsSync(f));

describe('enrolled hooks.ts type-check', () => {
  it('there is at least one enrolled hooks.ts', () => {
    expect(hookFiles.length).toBeGreaterThan(0);
  });

  it('every enrolled hooks.ts satisfies RecipeHooks', { timeout: 120_000 }, () => {
    // A shim that assigns each module to RecipeHooks, so a wrong return type is an error too.
    const shim = join(recipes, '__typecheck_shim__.ts');
    const shimText = [
      "import type { RecipeHooks } from '@ccci/recipe-meta';",
      ...hookFiles.map(
        (f, i) =>
          `import * as h${i} from './${f.slice(recipes.length + 1).replace(/\.ts$/, '.js')}';\nexport const c${i}: RecipeHooks = h${i};`,
      ),
    ].join('\n');
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      typeRoots: [join(repoRoot, 'node_modules/@types')],
      skipLibCheck: true,
      paths: { '@ccci/recipe-meta': [join(repoRoot, 'packages/recipe-meta/src/index.ts')] },
      allowImportingTsExtensions: false,
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (f) => (f === shim ? shimText : readFile(f));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (f) => f === shim || fileExists(f);
    const program = ts.createProgram([shim, ...hookFiles], options, host);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || d.file.fileName.startsWith(recipes))
      .map((d) =>
        ts.formatDiagnostic(d, {
          getCanonicalFileName: (f) => f,
          getCurrentDirectory: () => repoRoot,
          getNewLine: () => '\n',
        }),
      );
    expect(diagnostics).toEqual([]);
  });
});
