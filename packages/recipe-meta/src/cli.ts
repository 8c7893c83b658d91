#!/usr/bin/env node
import { existsSync } from 'node:fs';
// ccci-meta: validate recipes' CI settings, print a recipe's customization manifest.
// Exit codes: 0 all valid, 1 some invalid, 2 usage error (unknown flag, missing path).
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { isRecipeName } from '@ccci/contracts';
import { checkAgainstRecipe } from './against-recipe.js';
import {
  buildManifest,
  type LoadedRecipe,
  MetaError,
  renderManifest,
  renderProblem,
} from './index.js';
import { TreeTooLargeError, treeHash } from './tree-hash.js';
import { PathNotFoundError, validateRecipes } from './validate.js';

const USAGE = `usage: ccci-meta validate [--json] [paths…]   check recipes (default: recipes/)
       ccci-meta validate --recipe-dir <checkout> <recipe folder>
                                              also check the names the settings use against a checkout of the recipe
       ccci-meta manifest [--json] <recipe folder>  print a recipe's customization manifest
       ccci-meta hash <recipe> <checkout>        print the approval line for the checkout's .ccci/
                                              (review that content first: approving it lets it run)

A path is a recipes folder (every sub-folder is a recipe) or one recipe folder.
Exit: 0 all valid, 1 some invalid, 2 usage error.`;

class UsageError extends MetaError {
  constructor(message: string) {
    super('META_USAGE', message);
  }
}

function summary(r: LoadedRecipe): string {
  const m = buildManifest(r);
  if (m.defaults) return 'defaults';
  const parts: string[] = [];
  if (m.keys.length) parts.push(`${m.keys.length} key${m.keys.length === 1 ? '' : 's'}`);
  if (m.hooks.length) parts.push(`hooks ${m.hooks.map((h) => h.name).join(', ')}`);
  if (m.overlays.compose) parts.push('compose overlay');
  if (m.overlays.tests.length) parts.push(`${m.overlays.tests.length} op overlay(s)`);
  const tests = m.customTests.functional + m.customTests.playwright;
  if (tests) parts.push(`${tests} custom test(s)`);
  if (m.installSteps) parts.push('install steps');
  if (m.previous) parts.push('previous/');
  if (m.composePolicyExceptions.length)
    parts.push(`${m.composePolicyExceptions.length} policy exception(s)`);
  return parts.join(', ');
}

function main(argv: string[]): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, ...paths] = positionals;
  const cwd = process.cwd();
  if (command === 'validate') {
    const report = validateRecipes(paths.length ? paths : ['recipes']);
    if (values['recipe-dir'] !== undefined) {
      const r = report.recipes[0];
      if (report.recipes.length !== 1 || !r)
        throw new UsageError('--recipe-dir takes exactly one recipe folder');
      if (!existsSync(values['recipe-dir']))
        throw new UsageError(`--recipe-dir ${values['recipe-dir']} is not a folder`);
      const found = checkAgainstRecipe(r, values['recipe-dir']);
      r.problems.push(...found);
      if (found.some((p) => p.severity === 'error')) {
        r.ok = false;
        report.ok = false;
      }
    }
    if (values.json) {
      const json = {
        ok: report.ok,
        problems: report.problems,
        recipes: report.recipes.map((r) => ({
          recipe: r.recipe,
          ok: r.ok,
          problems: r.problems,
          manifest: buildManifest(r, { cwd }),
        })),
      };
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      const width = Math.max(0, ...report.recipes.map((r) => r.recipe.length));
      const lines: string[] = [];
      for (const p of report.problems) lines.push(renderProblem(p, { cwd }));
      for (const r of report.recipes) {
        const errors = r.problems.filter((p) => p.severity === 'error').length;
        const status = r.ok ? 'ok  ' : 'FAIL';
        const detail = r.ok ? summary(r) : `${errors} problem${errors === 1 ? '' : 's'}`;
        lines.push(`${status}  ${r.recipe.padEnd(width)}  ${detail}`);
        for (const p of r.problems) lines.push(indent(renderProblem(p, { cwd })));
      }
      const invalid = report.recipes.filter((r) => !r.ok).length;
      lines.push(
        `${report.recipes.length} recipe${report.recipes.length === 1 ? '' : 's'}: ${report.recipes.length - invalid} valid, ${invalid} invalid${report.problems.some((p) => p.severity === 'error') ? '; the approval file has errors' : ''}`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return report.ok ? 0 : 1;
  }
  if (command === 'manifest') {
    if (paths.length !== 1) throw new UsageError('manifest takes exactly one recipe folder');
    const report = validateRecipes(paths);
    const r = report.recipes[0];
    if (!r || report.recipes.length !== 1)
      throw new UsageError(`${paths[0]} is a recipes folder; give one recipe folder`);
    const m = buildManifest(r, { cwd });
    if (values.json)
      process.stdout.write(
        `${JSON.stringify({ ok: r.ok, manifest: m, problems: r.problems }, null, 2)}\n`,
      );
    else {
      process.stdout.write(`${renderManifest(m)}\n`);
      for (const p of r.problems) process.stdout.write(`${renderProblem(p, { cwd })}\n`);
    }
    return r.ok ? 0 : 1;
  }
  if (command === 'hash') {
    const [recipe, checkout] = paths;
    if (paths.length !== 2 || !recipe || !checkout)
      throw new UsageError('hash takes a recipe name and a checkout of the recipe');
    if (!isRecipeName(recipe))
      throw new UsageError(`${JSON.stringify(recipe)} is not a recipe name ([a-z0-9_-])`);
    const ccci = join(checkout, '.ccci');
    if (!existsSync(ccci)) throw new UsageError(`${ccci} does not exist`);
    process.stdout.write(`${recipe} ${treeHash(ccci)}\n`);
    return 0;
  }
  throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      'recipe-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`ccci-meta: ${e.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else if (e instanceof TreeTooLargeError) {
    process.stderr.write(`ccci-meta: .ccci/ cannot be approved: ${e.message}\n`);
    process.exitCode = 1;
  } else if (e instanceof PathNotFoundError) {
    process.stderr.write(
      `ccci-meta: ${relative(process.cwd(), e.path) || e.path}: no such folder\n`,
    );
    process.exitCode = 2;
  } else {
    // No stack trace for users; the cause is one line.
    process.stderr.write(
      `ccci-meta: internal error: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    process.exitCode = 1;
  }
}
