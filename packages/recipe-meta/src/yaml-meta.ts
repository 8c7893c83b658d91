import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml';
import { looksSecret, maskSecrets } from './mask.js';
import { type MetaProblem, problem } from './problems.js';
import { HOOK_BY_NAME, hookSignatureText, KEY_BY_NAME, KEYS, REMOVED_BY_NAME } from './registry.js';
import { checkValue, type ValueError } from './schema.js';
import { nearest } from './suggest.js';
import { describeSpec, type TypeSpec } from './type-spec.js';

/** A key set in a recipe_meta.yml, with where. */
export interface SetKey {
  key: string;
  value: unknown;
  file: string;
  line: number;
}

export interface ParsedMetaFile {
  /** Valid keys only (a key with a problem is left out, so its default applies). */
  keys: SetKey[];
  /** `_`-prefixed keys, allowed and ignored. */
  privateKeys: string[];
  problems: MetaProblem[];
}

/** Longest settings file read (each value is bounded by the registry as well). */
const MAX_FILE_CHARS = 1024 * 1024;

/** How far aliases may expand (yaml's `maxAliasCount`) before a file is refused. */
const MAX_ALIAS_COUNT = 100;

/** How deep collections may nest (the registry's deepest value is 3 levels). */
const MAX_DEPTH = 64;

/** The explicit tags a settings file may use: YAML 1.2's core types, which mean what they say. */
const CORE_TAGS: ReadonlySet<string> = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

/** A tag as it is written (`!!omap` rather than `tag:yaml.org,2002:omap`). */
function shownTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice(18)}` : tag;
}

/**
 * A key as it can be read in a message: as is when it is plain printable ASCII, else quoted with
 * every other character escaped (a zero-width space or a Cyrillic А looks like nothing or like
 * the Latin letter).
 */
function shownKey(key: string): string {
  if (/^[\x21-\x7e]+$/.test(key)) return key;
  const escaped = key.replace(
    /[^\x20-\x7e]/gu,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
  return /[^\x20-\x7e]/u.test(key)
    ? `"${escaped}" (it has characters that are not plain ASCII)`
    : `"${escaped}"`;
}

/** The first problem of a node and everything under it, found in one linear pass. */
interface StructureProblem {
  code: 'duplicate_key' | 'yaml_tag' | 'yaml_syntax';
  node: Node;
  /** The top-level key it is under (or is), when there is one. */
  key: string | null;
  message: string;
  hint: string;
}

/**
 * What YAML allows but a settings file must not hold, in one walk bounded in depth: an explicit
 * tag other than the core ones (`!!omap`, `!!binary`, `!foo` would be resolved into something
 * else or silently dropped), a key that is not plain text, a key set twice in one map (yaml's
 * own check is quadratic in the number of keys), nesting deeper than {@link MAX_DEPTH}.
 */
function structureProblems(
  node: unknown,
  depth: number,
  pos: (n: Node | null | undefined) => { line: number | null; column: number | null },
  path: string,
  out: StructureProblem[],
): void {
  const key = path === '' ? null : path;
  if (out.length > 0 || node === null || node === undefined || isAlias(node)) return;
  const n = node as Node;
  if (depth > MAX_DEPTH) {
    out.push({
      code: 'yaml_syntax',
      node: n,
      key,
      message: `${path ? `${path}: ` : ''}values nest more than ${MAX_DEPTH} levels deep`,
      hint: 'settings are a few levels deep at most: flatten the value',
    });
    return;
  }
  const tag = (n as { tag?: string }).tag;
  if (tag !== undefined && !CORE_TAGS.has(tag)) {
    out.push({
      code: 'yaml_tag',
      node: n,
      key,
      message: `${path ? `${path}: ` : ''}the tag ${shownTag(tag)} is not read in recipe_meta.yml`,
      hint: 'remove the tag and write the value plainly (quote it to make it a string)',
    });
    return;
  }
  if (isSeq(node)) {
    for (const item of node.items) structureProblems(item, depth + 1, pos, path, out);
    return;
  }
  if (!isMap(node)) return;
  const seen = new Map<unknown, Node>();
  for (const pair of node.items) {
    const k = pair.key as Node | null;
    if (!isScalar(k)) {
      out.push({
        code: 'yaml_syntax',
        node: (k ?? n) as Node,
        key,
        message: `${path ? `${path}: ` : ''}a key must be plain text, not ${isAlias(k) ? 'an alias' : 'a list or map'}`,
        hint: 'write the key out as text',
      });
      return;
    }
    structureProblems(k, depth + 1, pos, path, out);
    if (out.length > 0) return;
    const first = seen.get(k.value);
    if (first) {
      const name = shownKey(String(k.value));
      out.push({
        code: 'duplicate_key',
        node: k,
        key: key ?? String(k.value),
        message: `${path ? `${path}: ` : ''}${name} is set twice (first at line ${pos(first).line ?? '?'})`,
        hint: 'keep one of them',
      });
      return;
    }
    seen.set(k.value, k);
    structureProblems(pair.value, depth + 1, pos, path || String(k.value), out);
  }
}

/** A parser error as a sentence a recipe maintainer can act on. */
function syntaxMessage(
  e: { code: string; message: string },
  label: string,
): { message: string; hint: string } {
  if (e.code === 'MULTIPLE_DOCS')
    return {
      message: `${label} holds more than one YAML document (a --- or ... line)`,
      hint: 'remove the --- or ... line: the settings are one map of KEY: value',
    };
  if (/Maximum call stack/.test(e.message))
    return {
      message: 'not valid YAML: values nest too deeply to be read',
      hint: 'settings are a few levels deep at most: flatten the value',
    };
  return {
    message: `not valid YAML: ${e.message.split('\n')[0]}`,
    hint: 'fix the YAML syntax at this line (indentation, quotes)',
  };
}

/** Where the first alias (`*name`) is: the place an alias bomb is named by. */
function firstAlias(doc: Document, lineCounter: LineCounter): { line: number; column: number } {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  const p = lineCounter.linePos(offset ?? 0);
  return { line: p.line, column: p.col };
}

/** Parses and validates one recipe_meta.yml. Collects every problem, not just the first. */
export function parseMetaFile(
  file: string,
  text: string,
  options: {
    operatorSide: boolean;
    /**
     * Only these registry keys may be set (e.g. `previous/recipe_meta.yml`); any other key is
     * an error listing them. Default: every key.
     */
    allowedKeys?: readonly string[];
    /** How the file is called in messages. Default `recipe_meta.yml`. */
    label?: string;
  },
): ParsedMetaFile {
  const label = options.label ?? 'recipe_meta.yml';
  const allowed = options.allowedKeys;
  const out: ParsedMetaFile = { keys: [], privateKeys: [], problems: [] };
  if (text.length > MAX_FILE_CHARS) {
    out.problems.push(
      problem({
        code: 'file_too_large',
        file,
        line: 1,
        message: `${label} is ${text.length} characters long; at most ${MAX_FILE_CHARS} are read`,
        hint: 'settings are a few short lines: remove what does not belong there',
      }),
    );
    return out;
  }
  const lineCounter = new LineCounter();
  // Duplicate keys and tags are checked below (structureProblems): yaml's uniqueKeys is
  // quadratic in the number of keys, and its YAML 1.1 tags (!!omap, !!set, !!binary, …) would
  // turn a value into something no setting is.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
    resolveKnownTags: false,
  });
  const pos = (node: Node | null | undefined) => {
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: null, column: null };
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const p = lineCounter.linePos(e.pos[0]);
      out.problems.push(
        problem({
          code: 'yaml_syntax',
          file,
          line: p.line,
          column: p.col,
          ...syntaxMessage(e, label),
        }),
      );
    }
    return out;
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return out; // empty file: defaults
  if (!isMap(root)) {
    out.problems.push(
      problem({
        code: 'not_a_map',
        file,
        ...pos(root),
        message: `${label} must be a map of KEY: value`,
        hint: 'write one setting per line, e.g. HEALTH_PATH: /status',
      }),
    );
    return out;
  }
  const structure: StructureProblem[] = [];
  structureProblems(root, 0, pos, '', structure);
  for (const s of structure) {
    const at = pos(s.node);
    out.problems.push(
      problem({
        code: s.code,
        file,
        line: at.line ?? 1,
        column: at.column,
        key: s.key,
        message: s.message,
        hint: s.hint,
      }),
    );
  }
  if (structure.length > 0) return out;
  let values: Record<string, unknown>;
  try {
    values = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
  } catch (error) {
    if (!/alias/i.test((error as Error).message)) {
      out.problems.push(
        problem({
          code: 'yaml_syntax',
          file,
          line: 1,
          message: `not usable YAML: ${(error as Error).message.split('\n')[0]}`,
          hint: 'write the settings as plain KEY: value lines',
        }),
      );
      return out;
    }
    // yaml refuses an alias bomb ("Excessive alias count …"): a settings error like any other.
    out.problems.push(
      problem({
        code: 'yaml_aliases',
        file,
        ...firstAlias(doc, lineCounter),
        message: `not usable YAML: its aliases expand too far (${(error as Error).message.split('\n')[0]})`,
        hint: `write the values out; anchors and aliases may expand to at most ${MAX_ALIAS_COUNT} nodes`,
      }),
    );
    return out;
  }
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    const at = pos(keyNode);
    const line = at.line ?? 1;
    if (key.startsWith('_')) {
      out.privateKeys.push(key);
      continue;
    }
    const removed = REMOVED_BY_NAME.get(key);
    if (removed) {
      out.problems.push(
        problem({
          code: 'removed_key',
          file,
          ...at,
          key,
          message: `${key} was removed; use ${removed.replacement} instead`,
          hint: removed.hint,
        }),
      );
      continue;
    }
    const def = KEY_BY_NAME.get(key);
    if (allowed && !(def && allowed.includes(key))) {
      const suggestion = def ? null : nearest(key, allowed);
      out.problems.push(
        problem({
          code: def ? 'key_not_allowed_here' : 'unknown_key',
          file,
          ...at,
          key,
          message: def
            ? `${key} cannot be set in ${label}: it holds only the settings of the base deploy of an older version (allowed: ${allowed.join(', ')})`
            : `unknown key ${shownKey(key)} in ${label}${suggestion ? ` — did you mean ${suggestion}?` : ''} (allowed: ${allowed.join(', ')})`,
          hint: def
            ? `set ${key} in the recipe's own recipe_meta.yml instead`
            : suggestion
              ? `rename it to ${suggestion}`
              : `use one of ${allowed.join(', ')}; keys starting with _ are private and allowed`,
        }),
      );
      continue;
    }
    if (!def) {
      const suggestion = nearest(key, KEY_BY_NAME.keys());
      out.problems.push(
        problem({
          code: 'unknown_key',
          file,
          ...at,
          key,
          message: `unknown key ${shownKey(key)}${suggestion ? ` — did you mean ${suggestion}?` : ''}`,
          hint:
            key === '<<'
              ? 'YAML merge keys (<<) are not read: write the keys out'
              : suggestion
                ? `rename it to ${suggestion}; keys starting with _ are private and allowed`
                : `valid keys: ${KEYS.map((k) => k.key).join(', ')}; keys starting with _ are private and allowed`,
        }),
      );
      continue;
    }
    if (def.operatorOnly && !options.operatorSide) {
      out.problems.push(
        problem({
          code: 'operator_only_key',
          file,
          ...at,
          key,
          message: `${key} can only be set by the operator in recipes/<name>/recipe_meta.yml, not in a recipe's .ccci/`,
          hint: 'ask the CI operator to grant it',
        }),
      );
      continue;
    }
    if (def.type === null) {
      const hook = HOOK_BY_NAME.get(def.hook ?? '');
      out.problems.push(
        problem({
          code: 'hook_only_key',
          file,
          ...at,
          key,
          message: `${key} can only be a hook, not data`,
          hint: `remove it here and export function ${hook ? hookSignatureText(hook) : key} from hooks.ts`,
        }),
      );
      continue;
    }
    const value = values[key];
    const errors = checkValue({ ...def, type: def.type }, value);
    if (errors.length === 0) {
      out.keys.push({ key, value, file, line });
      continue;
    }
    const valueNode = pair.value as Node | null;
    for (const e of errors) {
      out.problems.push(typeProblem(file, key, def.type, value, valueNode, e, pos, line));
    }
  }
  return out;
}

function typeProblem(
  file: string,
  key: string,
  spec: TypeSpec,
  value: unknown,
  valueNode: Node | null,
  e: ValueError,
  pos: (n: Node | null | undefined) => { line: number | null; column: number | null },
  keyLine: number,
): MetaProblem {
  const label = key + e.path.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join('');
  const node = nodeAt(valueNode, e.path);
  let at = pos(node);
  let expected = describeSpec(specAt(spec, e.path) ?? spec);
  let found = render(maskSecrets(valueAt(value, e.path), e.path.some(looksSecret)));
  let detail = '';
  let hint: string | null = null;
  switch (e.keyword) {
    case 'propertyNames': {
      const name = e.propertyName ?? '';
      const mapSpec = specAt(spec, e.path);
      const allowed = mapSpec?.kind === 'map' ? mapSpec.keys.values : undefined;
      const suggestion = allowed ? nearest(name, allowed) : null;
      const keyNode = mapKeyNode(node, name);
      if (keyNode) at = pos(keyNode);
      expected = `a ${mapSpec?.kind === 'map' ? mapSpec.keys.text : 'valid name'} as map key`;
      found = JSON.stringify(name);
      if (allowed) detail = ` (one of ${allowed.join(', ')})`;
      if (suggestion) detail += ` — did you mean ${suggestion}?`;
      hint = suggestion ? `rename it to ${suggestion}` : null;
      break;
    }
    case 'required':
      detail = ` (missing ${String(e.params['missingProperty'])})`;
      break;
    case 'additionalProperties': {
      const extra = String(e.params['additionalProperty']);
      const objSpec = specAt(spec, e.path);
      const suggestion =
        objSpec?.kind === 'object' ? nearest(extra, Object.keys(objSpec.props)) : null;
      detail = ` (unknown field ${extra}${suggestion ? ` — did you mean ${suggestion}?` : ''})`;
      const keyNode = mapKeyNode(node, extra);
      if (keyNode) at = pos(keyNode);
      break;
    }
    case 'oneOf': {
      const objSpec = specAt(spec, e.path);
      if (objSpec?.kind === 'object' && objSpec.exactlyOneOf)
        detail = ` (needs exactly one of ${objSpec.exactlyOneOf.join(', ')})`;
      break;
    }
    case 'uniqueItems':
      detail = ` (items ${String(e.params['j'])} and ${String(e.params['i'])} are the same)`;
      break;
    case 'maxLength':
      found = `${String((valueAt(value, e.path) as string).length)} characters`;
      detail = ` (at most ${String(e.params['limit'])})`;
      hint = 'shorten it';
      break;
    case 'maxItems':
    case 'maxProperties':
      found = `${String(Object.keys(valueAt(value, e.path) as object).length)} entries`;
      detail = ` (at most ${String(e.params['limit'])} entries)`;
      hint = 'list fewer entries';
      break;
    case 'minItems':
      detail = ' (must not be empty)';
      hint = `remove ${key} to use its default`;
      break;
    case 'type':
      if (value === null && e.path.length === 0) {
        found = 'nothing (an empty value)';
        hint = `give ${key} a value or remove the line`;
      } else if (typeof valueAt(value, e.path) === 'number' && expected.startsWith('string')) {
        hint = 'quote the value';
      }
      break;
  }
  return problem({
    code: 'wrong_type',
    file,
    line: at.line ?? keyLine,
    column: at.column,
    key,
    message: `${label}: expected ${expected}, found ${found}${detail}`,
    hint,
  });
}

function specAt(spec: TypeSpec, path: string[]): TypeSpec | null {
  let cur: TypeSpec | null = spec;
  for (const seg of path) {
    if (!cur) return null;
    if (cur.kind === 'list' || cur.kind === 'map') cur = cur.of;
    else if (cur.kind === 'object') cur = cur.props[seg]?.spec ?? null;
    else return null;
  }
  return cur;
}

function valueAt(value: unknown, path: string[]): unknown {
  let cur = value;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function nodeAt(node: Node | null, path: string[]): Node | null {
  let cur: unknown = node;
  for (const seg of path) {
    if (isSeq(cur)) cur = cur.items[Number(seg)];
    else if (isMap(cur))
      cur = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === seg)?.value;
    else return null;
  }
  return (cur as Node | undefined) ?? null;
}

function mapKeyNode(node: Node | null, name: string): Node | null {
  if (!isMap(node)) return null;
  const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
  return (pair?.key as Node | undefined) ?? null;
}

/** Compact one-line rendering of a found value, at most 80 characters. */
function render(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON has no infinity or NaN (it would print null): name them as YAML writes them.
  if (typeof value === 'number' && !Number.isFinite(value))
    return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
