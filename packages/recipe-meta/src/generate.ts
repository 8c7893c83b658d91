import { createRequire } from 'node:module';
import type { Ajv as AjvClass } from 'ajv';
import { AJV_OPTIONS } from './ajv-options.js';
import {
  COMPOSE_POLICY_RULES,
  EXPECTED_NA_TARGETS,
  HOOKS,
  KEYS,
  PREVIOUS_ENTRIES,
  PREVIOUS_KEYS,
  REMOVED_KEYS,
} from './registry.js';
import { buildJsonSchema } from './schema.js';
import { describeSpec, namedUnions, objectSpecs, toJsonSchema, toTsType } from './type-spec.js';

/** A file generated from the registry, path relative to the repository root. */
export interface GeneratedFile {
  path: string;
  content: string;
}

const HEADER =
  'Generated from packages/recipe-meta/src/registry.ts by `pnpm --filter @ccci/recipe-meta generate`. Do not edit.';

function fmtDefault(value: unknown): string {
  return value === null ? 'none' : JSON.stringify(value).replace(/,/g, ', ');
}

function jsdoc(lines: string[], indent = ''): string {
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

/** Wraps prose for comments at ~90 columns. */
function wrap(text: string, width = 88): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

/** src/generated/types.ts: the TypeScript types of the settings and hooks. */
function renderTypes(): string {
  let s = `// ${HEADER}\n`;
  s += "import type { BackupInfo, HookContext, ScreenshotPage } from '../hook-context.js';\n\n";
  s += '/** A value or a promise of it: every hook may be async. */\n';
  s += 'export type Awaitable<T> = T | Promise<T>;\n\n';
  s += '/** Env variables by name. */\n';
  s += 'export type EnvMap = Readonly<Record<string, string>>;\n\n';
  const seen = new Set<string>();
  for (const def of KEYS) {
    for (const u of def.type ? namedUnions(def.type) : []) {
      if (seen.has(u.name)) continue;
      seen.add(u.name);
      s += `export type ${u.name} =\n${u.values.map((v) => `  | ${typeof v === 'string' ? `'${v}'` : String(v)}`).join('\n')};\n\n`;
    }
  }
  for (const def of KEYS) {
    if (!def.type) continue;
    for (const obj of objectSpecs(def.type)) {
      if (seen.has(obj.name)) continue;
      seen.add(obj.name);
      s += `export interface ${obj.name} {\n`;
      for (const [name, p] of Object.entries(obj.props)) {
        s += jsdoc(wrap(p.doc), '  ');
        s += `  readonly ${name}${p.required ? '' : '?'}: ${toTsType(p.spec)};\n`;
      }
      s += '}\n\n';
    }
  }
  const dataKeys = KEYS.filter((k) => k.type !== null);
  s += jsdoc(["A recipe's CI settings with every default applied: what consumers read."]);
  s += 'export interface RecipeMeta {\n';
  for (const def of dataKeys) {
    s += jsdoc(wrap(`${def.meaning}. Default: ${fmtDefault(def.default)}.`), '  ');
    s += `  readonly ${def.key}: ${toTsType(def.type!)}${def.default === null ? ' | null' : ''};\n`;
  }
  s += '}\n\n';
  s += jsdoc(['`recipe_meta.yml` as written: every key optional.']);
  s += 'export interface RecipeMetaInput {\n';
  for (const def of dataKeys) s += `  readonly ${def.key}?: ${toTsType(def.type!)};\n`;
  s += '}\n\n';
  s += '/** Names of the data keys. */\n';
  s += 'export type DataKey = keyof RecipeMeta;\n\n';
  s += '/** Names of the hooks `hooks.ts` may export. */\n';
  s += `export type HookName =\n${HOOKS.map((h) => `  | '${h.name}'`).join('\n')};\n\n`;
  s += jsdoc(['What `hooks.ts` may export; every hook may be async.']);
  s += 'export interface RecipeHooks {\n';
  for (const h of HOOKS) {
    s += jsdoc(wrap(h.meaning), '  ');
    const params = h.params.map((p) => `${p.name}: ${p.type}`).join(', ');
    s += `  readonly ${h.name}?: (${params}) => Awaitable<${h.returns}>;\n`;
  }
  s += '}\n';
  return s;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** docs/recipe-meta.md: the reference table. */
function renderDocs(): string {
  const lines = [
    '# Recipe CI settings reference',
    '',
    `<!-- ${HEADER} -->`,
    '',
    'Settings live in `recipes/<recipe>/recipe_meta.yml` (operator side) or, for recipes on the',
    "operator's approval list, in the recipe repository's `.ccci/recipe_meta.yml`. How to enrol a",
    'recipe: [enroll-recipe.md](enroll-recipe.md). Keys starting with `_` are private and ignored.',
    '',
    'The file is one YAML 1.2 document holding one map, UTF-8, at most 1 MiB. A key set twice,',
    'a tag other than `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`, `!!seq`, a key',
    'that is not plain text, a merge key (`<<`) or aliases expanding past 100 nodes are errors;',
    'so is any problem below: nothing of a file with an error is applied.',
    '',
    '## Keys',
    '',
    '| key | type | default | hook | meaning |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const def of KEYS) {
    const hook = HOOKS.find((h) => h.name === def.hook);
    const type = def.type ? describeSpec(def.type) : 'hook only';
    const hookText = hook ? `\`${hook.name}(${hook.params.map((p) => p.name).join(', ')})\`` : '—';
    const meaning = `${def.meaning}${def.operatorOnly ? ' (operator only)' : ''}`;
    lines.push(
      `| \`${def.key}\` | ${cell(type)} | ${def.type && def.default !== null ? `\`${fmtDefault(def.default)}\`` : 'none'} | ${hookText} | ${cell(meaning)} |`,
    );
  }
  lines.push(
    '',
    `\`EXPECTED_NA\` may name: ${EXPECTED_NA_TARGETS.map((t) => `\`${t}\``).join(', ')}.`,
    '',
    '`COMPOSE_POLICY_EXCEPTIONS[].rule` is one of: ' +
      COMPOSE_POLICY_RULES.map((r) => `\`${r}\``).join(', ') +
      '.',
    '',
    '## `previous/` (base deploy of an older version)',
    '',
    `\`previous/\` may hold ${PREVIOUS_ENTRIES.map((e) => `\`${e}\``).join(', ')}. When the base deploy is`,
    'an older version (the upgrade base), each replaces its head counterpart for that deploy only;',
    "at the upgrade redeploy the head's own settings apply. When the base deploy is the head,",
    '`previous/` is ignored. `previous/recipe_meta.yml` may set only: ' +
      PREVIOUS_KEYS.map((k) => `\`${k}\``).join(', ') +
      '.',
    '',
    '## Hooks (`hooks.ts`)',
    '',
    'Each hook receives the frozen `HookContext` (domain, baseUrl, meta, deps, op, runId, log,',
    'http, exec) and may be async. Parameters are checked before any deploy.',
    '',
    '| export | signature | returns | meaning |',
    '| --- | --- | --- | --- |',
  );
  for (const h of HOOKS) {
    const sig = `${h.name}(${h.params.map((p) => `${p.name}: ${p.type}`).join(', ')})`;
    lines.push(`| \`${h.name}\` | \`${sig}\` | \`${cell(h.returns)}\` | ${cell(h.meaning)} |`);
  }
  lines.push('', '## Removed keys', '', '| key | use instead | how |', '| --- | --- | --- |');
  for (const r of REMOVED_KEYS)
    lines.push(`| \`${r.key}\` | \`${r.replacement}\` | ${cell(r.hint)} |`);
  return `${lines.join('\n')}\n`;
}

/** machine-docs/recipe-meta.schema.json */
function renderSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}

/** Every generated file, paths relative to the repository root. */
/** Ajv runtime modules the standalone code may `require` (resolved from this package). */
const AJV_RUNTIME = ['ajv/dist/runtime/ucs2length', 'ajv/dist/runtime/equal'];

/**
 * src/generated/validators.ts: ajv standalone code of every data key's validator, so loading
 * recipes needs neither ajv nor its compiler at run time (ajv compiled ~15 validators per process).
 */
function renderValidators(): string {
  // ajv is needed only here (build time); required lazily so importing the package stays cheap.
  const require = createRequire(import.meta.url);
  const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
  const standalone = (
    require('ajv/dist/standalone') as { default: (a: AjvClass, r: object) => string }
  ).default;
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, lines: false } });
  const refs: Record<string, string> = {};
  for (const def of KEYS)
    if (def.type) {
      ajv.addSchema(toJsonSchema(def.type) as object, def.key);
      refs[def.key] = def.key;
    }
  const code = standalone(ajv, refs);
  for (const m of code.matchAll(/require\("([^"]+)"\)/g))
    if (!AJV_RUNTIME.includes(m[1] ?? ''))
      throw new Error(`standalone code requires ${m[1]}; add it to AJV_RUNTIME`);
  const literal = code.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  return `// ${HEADER}
// ajv standalone code (CommonJS body) of one validator per data key; run by src/schema.ts.
export const VALIDATORS_SOURCE = \`${literal}\`;
`;
}

export function generatedFiles(): GeneratedFile[] {
  return [
    { path: 'packages/recipe-meta/src/generated/validators.ts', content: renderValidators() },
    { path: 'packages/recipe-meta/src/generated/types.ts', content: renderTypes() },
    { path: 'docs/recipe-meta.md', content: renderDocs() },
    { path: 'machine-docs/recipe-meta.schema.json', content: renderSchema() },
  ];
}
