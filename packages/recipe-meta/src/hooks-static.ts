import { createRequire } from 'node:module';
import type * as Babel from '@babel/parser';
import { type MetaProblem, problem } from './problems.js';
import { HOOK_BY_NAME, HOOKS, hookSignatureText, KEY_BY_NAME } from './registry.js';
import { nearest } from './suggest.js';

/** A hook exported from hooks.ts, as found by static analysis (nothing is executed). */
export interface HookExport {
  name: string;
  kind: 'lifecycle' | 'key';
  /** Parameter names as written (`{…}` for a destructured one, `...rest` for a rest one). */
  params: string[];
  /** The signature as written, e.g. `SCREENSHOT(ctx)`. */
  signature: string;
  line: number;
}

export interface HooksAnalysis {
  exports: HookExport[];
  problems: MetaProblem[];
}

type Statement = ReturnType<typeof Babel.parse>['program']['body'][number];
type Expression = Extract<Statement, { type: 'ExpressionStatement' }>['expression'];
type Of<T extends string> = Extract<Statement | Expression, { type: T }>;
type FunctionLike =
  | Of<'FunctionDeclaration'>
  | Of<'TSDeclareFunction'>
  | Of<'ArrowFunctionExpression'>
  | Of<'FunctionExpression'>;
type Param = FunctionLike['params'][number];
/** The parts of a parameter pattern that name it. */
type PatternNode = { type: string; name?: string; left?: PatternNode; argument?: PatternNode };
type Located = { loc?: { start: { line: number } } | null | undefined };

// A small parser (@babel/parser, ~0.5 MB), loaded only when a recipe has a hooks.ts (most have
// none). The TypeScript compiler (9 MB) cost ~0.3–0.5 s to load, more than validating 500 recipes.
let babel: typeof Babel | undefined;
const PARSE_OPTIONS: Babel.ParserOptions = {
  sourceType: 'module',
  plugins: ['typescript', 'decorators'],
  errorRecovery: true,
  attachComment: false,
};

const lineOf = (node: Located): number => node.loc?.start.line ?? 1;
/** Babel appends " (line:column)" to its messages; the problem carries the line already. */
const withoutPosition = (message: string): string => message.replace(/ \(\d+:\d+\)$/, '');

/**
 * Reads hooks.ts with a parser only (no type checker — cheap, and PR code is never executed
 * during validation). Checks that every runtime export is a known hook, is a function, and
 * declares the expected parameters.
 */
export function analyseHooks(file: string, text: string): HooksAnalysis {
  babel ??= createRequire(import.meta.url)('@babel/parser') as typeof Babel;
  const out: HooksAnalysis = { exports: [], problems: [] };
  let body: Statement[];
  const syntaxError = (message: string, line: number | null) =>
    out.problems.push(
      problem({
        code: 'hooks_syntax',
        file,
        line,
        message: `hooks.ts does not parse: ${withoutPosition(message)}`,
        hint: 'fix the TypeScript syntax',
      }),
    );
  try {
    const ast = babel.parse(text, PARSE_OPTIONS);
    for (const e of ast.errors ?? []) syntaxError(e.message, e.loc?.line ?? null);
    body = ast.program.body;
  } catch (e) {
    const err = e as { message?: string; loc?: { line: number } };
    syntaxError(String(err.message ?? e), err.loc?.line ?? null);
    return out;
  }
  if (out.problems.length) return out;

  // Top-level functions and consts (exported or not), to resolve `export { local as NAME }`.
  const locals = new Map<string, FunctionLike | null>();
  for (const top of body) {
    const st = top.type === 'ExportNamedDeclaration' && top.declaration ? top.declaration : top;
    if ((st.type === 'FunctionDeclaration' || st.type === 'TSDeclareFunction') && st.id)
      locals.set(st.id.name, st);
    if (st.type === 'VariableDeclaration')
      for (const d of st.declarations)
        if (d.id.type === 'Identifier') locals.set(d.id.name, functionOf(d.init));
  }

  const exported = (name: string, fn: FunctionLike | null, node: Located) =>
    checkExport(file, name, fn, lineOf(node), out);
  const unanalysable = (node: Located) =>
    out.problems.push(
      problem({
        code: 'hooks_unanalysable',
        file,
        line: lineOf(node),
        message: 're-exports from another module cannot be checked before the run',
        hint: 'define each hook in hooks.ts itself (helpers may be imported)',
      }),
    );

  for (const st of body) {
    if (st.type === 'ExportDefaultDeclaration') {
      const d = st.declaration;
      const fn =
        d.type === 'FunctionDeclaration' || d.type === 'TSDeclareFunction'
          ? d
          : d.type === 'ClassDeclaration'
            ? null
            : functionOf(d);
      // `export default interface X {}` is a type (babel's typings omit it).
      if ((d.type as string) !== 'TSInterfaceDeclaration') exported('default', fn, st);
    } else if (st.type === 'TSExportAssignment') {
      exported('default', null, st);
    } else if (st.type === 'ExportAllDeclaration') {
      if (st.exportKind !== 'type') unanalysable(st);
    } else if (st.type === 'ExportNamedDeclaration' && st.exportKind !== 'type') {
      const d = st.declaration;
      if (d) {
        if (d.type === 'FunctionDeclaration' || d.type === 'TSDeclareFunction')
          exported(d.id?.name ?? 'default', d, st);
        else if (d.type === 'VariableDeclaration') {
          for (const v of d.declarations)
            if (v.id.type === 'Identifier') exported(v.id.name, functionOf(v.init), v);
        } else if (d.type === 'ClassDeclaration' || d.type === 'TSEnumDeclaration')
          exported(d.id?.name ?? 'default', null, st);
        continue;
      }
      if (st.source) {
        unanalysable(st);
        continue;
      }
      for (const spec of st.specifiers) {
        if (spec.type !== 'ExportSpecifier' || spec.exportKind === 'type') continue;
        const name = spec.exported.type === 'Identifier' ? spec.exported.name : spec.exported.value;
        exported(name, locals.get(spec.local.name) ?? null, spec);
      }
    }
  }
  return out;
}

function functionOf(init: Expression | null | undefined): FunctionLike | null {
  let e = init;
  while (
    e &&
    (e.type === 'ParenthesizedExpression' ||
      e.type === 'TSSatisfiesExpression' ||
      e.type === 'TSAsExpression' ||
      e.type === 'TSTypeAssertion')
  )
    e = e.expression;
  return e && (e.type === 'ArrowFunctionExpression' || e.type === 'FunctionExpression') ? e : null;
}

function paramName(p: PatternNode): string {
  switch (p.type) {
    case 'Identifier':
      return p.name ?? '…';
    case 'ObjectPattern':
      return '{…}';
    case 'ArrayPattern':
      return '[…]';
    case 'AssignmentPattern':
      return p.left ? paramName(p.left) : '…';
    case 'RestElement':
      return `...${p.argument ? paramName(p.argument) : '…'}`;
    default:
      return '…';
  }
}

const isThis = (p: Param) => p.type === 'Identifier' && p.name === 'this';

function checkExport(
  file: string,
  name: string,
  fn: FunctionLike | null,
  line: number,
  out: HooksAnalysis,
): void {
  const hook = HOOK_BY_NAME.get(name);
  if (!hook) {
    const def = KEY_BY_NAME.get(name);
    if (def) {
      out.problems.push(
        problem({
          code: 'data_only_hook',
          file,
          line,
          key: name,
          message: `${name} is a data-only key; it cannot be a hook`,
          hint: `set ${name} in recipe_meta.yml instead`,
        }),
      );
      return;
    }
    const suggestion = nearest(name, HOOK_BY_NAME.keys());
    out.problems.push(
      problem({
        code: 'unknown_hook_export',
        file,
        line,
        key: name,
        message: `hooks.ts exports ${name}, which is not a known hook${suggestion ? ` — did you mean ${suggestion}?` : ''}`,
        hint: `known hooks: ${HOOKS.map(hookSignatureText).join(', ')}; keep helpers unexported`,
      }),
    );
    return;
  }
  const expected = hookSignatureText(hook);
  if (!fn) {
    out.problems.push(
      problem({
        code: 'hook_not_function',
        file,
        line,
        key: name,
        message: `${name} must be a function ${expected}`,
        hint: `export function ${expected} { … }`,
      }),
    );
    return;
  }
  const params = fn.params.filter((p) => !isThis(p));
  const names = params.map((p) => paramName(p as PatternNode));
  const hasRest = params.some((p) => p.type === 'RestElement');
  const found = `${name}(${names.join(', ')})`;
  if (!hasRest && params.length !== hook.params.length) {
    out.problems.push(
      problem({
        code: 'hook_signature',
        file,
        line,
        key: name,
        message: `${found} has ${params.length} parameter(s); expected ${expected}`,
        hint: `change it to ${expected} — ${hook.params.map((p) => `${p.name}: ${p.type}`).join(', ')}`,
      }),
    );
    return;
  }
  out.exports.push({ name, kind: hook.kind, params: names, signature: found, line });
}
