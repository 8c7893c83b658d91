import {
  type Document,
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
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
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
          message: `not valid YAML: ${e.message.split('\n')[0]}`,
          hint: 'fix the YAML syntax at this line (indentation, quotes, duplicate keys)',
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
  let values: Record<string, unknown>;
  try {
    values = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
  } catch (error) {
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
            : `unknown key ${key} in ${label}${suggestion ? ` — did you mean ${suggestion}?` : ''} (allowed: ${allowed.join(', ')})`,
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
          message: `unknown key ${key}${suggestion ? ` — did you mean ${suggestion}?` : ''}`,
          hint: suggestion
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
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
