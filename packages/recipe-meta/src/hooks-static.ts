import { createRequire } from 'node:module';
import type * as TS from 'typescript';
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

// The compiler is big: load it only when a recipe has a hooks.ts (most have none).
let ts: typeof TS;

type FunctionLike = TS.FunctionDeclaration | TS.ArrowFunction | TS.FunctionExpression;

/**
 * Reads hooks.ts with the TypeScript parser only (one `createSourceFile`, no Program, no type
 * checker — cheap, and PR code is never executed during validation). Checks that every runtime
 * export is a known hook, is a function, and declares the expected parameters.
 */
export function analyseHooks(file: string, text: string): HooksAnalysis {
  ts ??= createRequire(import.meta.url)('typescript') as typeof TS;
  const out: HooksAnalysis = { exports: [], problems: [] };
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const lineOf = (node: TS.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  // parseDiagnostics is internal but has been on SourceFile since TypeScript 1.x; it is the only
  // way to get syntax errors without building a Program.
  const syntax = (sf as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] })
    .parseDiagnostics;
  for (const d of syntax ?? []) {
    const line = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start).line + 1 : null;
    out.problems.push(
      problem({
        code: 'hooks_syntax',
        file,
        line,
        message: `hooks.ts does not parse: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
        hint: 'fix the TypeScript syntax',
      }),
    );
  }
  if (out.problems.length) return out;

  // Top-level functions and consts, to resolve `export { local as NAME }`.
  const locals = new Map<string, { fn: FunctionLike | null; node: TS.Node }>();
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name) locals.set(st.name.text, { fn: st, node: st });
    if (ts.isVariableStatement(st))
      for (const d of st.declarationList.declarations)
        if (ts.isIdentifier(d.name))
          locals.set(d.name.text, { fn: functionOf(d.initializer), node: d });
  }

  const exported = (name: string, fn: FunctionLike | null, node: TS.Node) =>
    checkExport(file, name, fn, lineOf(node), out);

  for (const st of sf.statements) {
    const isExported = ts.canHaveModifiers(st)
      ? (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : false;
    if (ts.isFunctionDeclaration(st) && isExported) {
      const isDefault = (ts.getModifiers(st) ?? []).some(
        (m) => m.kind === ts.SyntaxKind.DefaultKeyword,
      );
      exported(isDefault ? 'default' : (st.name?.text ?? 'default'), st, st);
    } else if (ts.isVariableStatement(st) && isExported) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) exported(d.name.text, functionOf(d.initializer), d);
      }
    } else if ((ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && isExported) {
      exported(st.name?.text ?? 'default', null, st);
    } else if (ts.isExportAssignment(st)) {
      exported('default', null, st);
    } else if (ts.isExportDeclaration(st) && !st.isTypeOnly) {
      if (st.moduleSpecifier || !st.exportClause || !ts.isNamedExports(st.exportClause)) {
        out.problems.push(
          problem({
            code: 'hooks_unanalysable',
            file,
            line: lineOf(st),
            message: 're-exports from another module cannot be checked before the run',
            hint: 'define each hook in hooks.ts itself (helpers may be imported)',
          }),
        );
        continue;
      }
      for (const spec of st.exportClause.elements) {
        if (spec.isTypeOnly) continue;
        const local = locals.get((spec.propertyName ?? spec.name).text);
        exported(spec.name.text, local?.fn ?? null, spec);
      }
    }
  }
  return out;
}

function functionOf(init: TS.Expression | undefined): FunctionLike | null {
  let e = init;
  while (
    e &&
    (ts.isParenthesizedExpression(e) ||
      ts.isSatisfiesExpression(e) ||
      ts.isAsExpression(e) ||
      ts.isTypeAssertionExpression(e))
  )
    e = e.expression;
  return e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) ? e : null;
}

function paramText(p: TS.ParameterDeclaration): string {
  const name = ts.isIdentifier(p.name)
    ? p.name.text
    : p.name.kind === ts.SyntaxKind.ObjectBindingPattern
      ? '{…}'
      : '[…]';
  return p.dotDotDotToken ? `...${name}` : name;
}

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
    const suggestion = nearest(
      name,
      HOOKS.map((h) => h.name),
    );
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
  const params = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
  const names = params.map(paramText);
  const hasRest = params.some((p) => p.dotDotDotToken);
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
