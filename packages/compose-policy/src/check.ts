import { LineCounter, parseDocument } from 'yaml';
import { FileChecker } from './rules.js';
import {
  type CheckComposeOptions,
  type ComposeFile,
  type ComposePolicyReport,
  DEFAULT_ALLOWED_BIND_PREFIXES,
  DEFAULT_ALLOWED_CAPABILITIES,
  type ExceptedViolation,
  type PolicyException,
  RULES,
  type Violation,
} from './types.js';
import { Nav } from './yaml-nav.js';

/**
 * Check compose files (base and overlays, each on its own) against the CI compose policy.
 * Pure: reads only the given texts. Never throws for bad compose content (that is a
 * violation); throws `TypeError` for invalid options.
 */
export function checkCompose(options: CheckComposeOptions): ComposePolicyReport {
  validate(options);
  const env = options.env ?? {};
  const prefixes = options.allowedBindPrefixes ?? DEFAULT_ALLOWED_BIND_PREFIXES;
  const caps = new Set(
    (options.allowedCapabilities ?? DEFAULT_ALLOWED_CAPABILITIES).map((c) =>
      c.toUpperCase().replace(/^CAP_/, ''),
    ),
  );
  const found = options.files.flatMap((f) =>
    checkFile(f, env, prefixes, caps, {
      interpolated: options.interpolated === true,
      recipeRoot: options.recipeRoot,
    }),
  );
  found.sort((a, b) => (a.file === b.file ? a.line - b.line : 0));

  const exceptions = options.exceptions ?? [];
  const used = new Set<PolicyException>();
  const violations: Violation[] = [];
  const excepted: ExceptedViolation[] = [];
  for (const v of found) {
    const ex =
      v.rule === 'unparseable'
        ? undefined
        : exceptions.find((e) => e.service === v.service && e.rule === v.rule);
    if (ex) {
      used.add(ex);
      excepted.push({ ...v, reason: ex.reason });
    } else violations.push(v);
  }
  return {
    ok: violations.length === 0,
    violations,
    excepted,
    unusedExceptions: exceptions.filter((e) => !used.has(e)),
  };
}

function checkFile(
  file: ComposeFile,
  env: Readonly<Record<string, string>>,
  prefixes: readonly string[],
  caps: ReadonlySet<string>,
  mode: { interpolated: boolean; recipeRoot: string | undefined },
): Violation[] {
  const lines = new LineCounter();
  const doc = parseDocument(file.text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: false,
  });
  const error = doc.errors[0];
  if (error) {
    const line = lines.linePos(error.pos[0]).line;
    return [unparseable(file.path, line, `is not valid YAML (${error.message.split('\n')[0]})`)];
  }
  const nav = new Nav(doc, lines);
  const root = nav.resolve(doc.contents);
  if (root === null) return [];
  if (nav.entries(root).length === 0 && nav.scalar(root) !== null) {
    return [
      unparseable(file.path, 1, 'is not a compose mapping (expected keys such as services:)'),
    ];
  }
  const checker = new FileChecker(file.path, nav, env, prefixes, caps, mode);
  const include = nav.get(root, 'include');
  if (include) checker.include(include.at);
  const hostNetworks = new Set<string>();
  for (const { key, value } of nav.entries(nav.get(root, 'networks')?.value)) {
    const name = nav.scalar(nav.get(value, 'name')?.value) ?? key;
    // A network whose engine name is `host` is the host's stack (swarm's way to host networking).
    if (name === 'host') hostNetworks.add(key);
    checker.objectName('networks', key, value);
  }
  for (const { key, value } of nav.entries(nav.get(root, 'services')?.value)) {
    checker.service(key, value, hostNetworks);
  }
  for (const kind of ['configs', 'secrets'] as const) {
    for (const { key, value } of nav.entries(nav.get(root, kind)?.value)) {
      checker.hostFile(kind, key, value);
      checker.objectName(kind, key, value);
    }
  }
  for (const { key, value } of nav.entries(nav.get(root, 'volumes')?.value)) {
    checker.volumeDefinition(key, value);
    checker.objectName('volumes', key, value);
  }
  return checker.found;
}

function unparseable(file: string, line: number, what: string): Violation {
  return {
    file,
    line,
    service: '',
    rule: 'unparseable',
    message: `${file}:${line}: ${what}`,
    hint: 'Fix the file so it parses; the policy refuses what it cannot read.',
  };
}

function validate(options: CheckComposeOptions): void {
  if (!options || !Array.isArray(options.files)) {
    throw new TypeError('checkCompose: option "files" must be an array of { path, text }');
  }
  if (options.recipeRoot !== undefined && !options.recipeRoot.startsWith('/')) {
    throw new TypeError('checkCompose: option "recipeRoot" must be an absolute path');
  }
  for (const [i, f] of options.files.entries()) {
    if (typeof f?.path !== 'string' || typeof f?.text !== 'string') {
      throw new TypeError(
        `checkCompose: option "files[${i}]" must be { path: string, text: string }`,
      );
    }
  }
  for (const [i, e] of (options.exceptions ?? []).entries()) {
    if (typeof e?.service !== 'string' || typeof e?.reason !== 'string' || !e.reason.trim()) {
      throw new TypeError(
        `checkCompose: option "exceptions[${i}]" must be { service, rule, reason } with a non-empty reason`,
      );
    }
    if (!(RULES as readonly string[]).includes(e.rule) || e.rule === 'unparseable') {
      throw new TypeError(
        `checkCompose: option "exceptions[${i}].rule" is "${String(e.rule)}"; expected one of ${RULES.filter((r) => r !== 'unparseable').join(', ')}`,
      );
    }
  }
  for (const key of ['allowedBindPrefixes', 'allowedCapabilities'] as const) {
    const v = options[key];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) {
      throw new TypeError(`checkCompose: option "${key}" must be an array of strings`);
    }
  }
  for (const p of options.allowedBindPrefixes ?? []) {
    if (!p.startsWith('/')) {
      throw new TypeError(
        `checkCompose: option "allowedBindPrefixes" entry "${p}" must be an absolute path`,
      );
    }
  }
}
