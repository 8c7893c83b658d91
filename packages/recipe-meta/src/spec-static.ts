import { createRequire } from 'node:module';
import type * as Babel from '@babel/parser';

type Node = { type: string; [key: string]: unknown };

let babel: typeof Babel | undefined;

/**
 * How many tests a spec of `tests/playwright/` declares, read with a parser only (PR code is
 * never executed during validation). The harness's spec contract: a default-exported function
 * is one test; a `tests` object (ESM `export const tests = {…}`, or CommonJS
 * `module.exports.tests = {…}` / `exports.tests = {…}` / `module.exports = { tests: {…} }`)
 * holds one test per property. Returns null when the count cannot be told without running
 * the file (a spread, a computed object, a syntax error).
 */
export function countSpecTests(text: string): number | null {
  babel ??= createRequire(import.meta.url)('@babel/parser') as typeof Babel;
  let body: Node[];
  try {
    const ast = babel.parse(text, {
      sourceType: 'unambiguous',
      plugins: ['typescript'],
      errorRecovery: true,
      attachComment: false,
    });
    if ((ast.errors ?? []).length > 0) return null;
    body = ast.program.body as unknown as Node[];
  } catch {
    return null;
  }

  // Top-level `const x = …` initialisers, to follow `export { x as tests }` and `tests: x`.
  const locals = new Map<string, Node>();
  for (const s of body) {
    const decl = s.type === 'ExportNamedDeclaration' ? (s.declaration as Node | null) : s;
    if (decl?.type !== 'VariableDeclaration') continue;
    for (const d of decl.declarations as Node[]) {
      const id = d.id as Node;
      if (id.type === 'Identifier' && d.init) locals.set(id.name as string, d.init as Node);
    }
  }
  const resolve = (n: Node | null | undefined): Node | null => {
    let node = n ?? null;
    for (let hops = 0; node && hops < 5; hops++) {
      if (node.type === 'TSAsExpression' || node.type === 'TSSatisfiesExpression')
        node = node.expression as Node;
      else if (node.type === 'Identifier' && locals.has(node.name as string))
        node = locals.get(node.name as string) as Node;
      else break;
    }
    return node;
  };
  const isFunction = (n: Node | null) =>
    n !== null &&
    ['ArrowFunctionExpression', 'FunctionExpression', 'FunctionDeclaration'].includes(n.type);
  /** Properties of a `tests` object; null when it is not a plain object literal. */
  const objectCount = (n: Node | null): number | null => {
    if (n?.type !== 'ObjectExpression') return null;
    const props = n.properties as Node[];
    return props.some((p) => p.type === 'SpreadElement') ? null : props.length;
  };
  /** `{ tests: {…} }` (a default export or `module.exports = …`). */
  const testsOf = (n: Node | null): number | null | undefined => {
    if (n?.type !== 'ObjectExpression') return undefined;
    for (const p of n.properties as Node[]) {
      if (p.type === 'SpreadElement') return null;
      const key = p.key as Node | undefined;
      const name = key?.type === 'Identifier' ? key.name : key?.value;
      if (name === 'tests' && p.type === 'ObjectProperty')
        return objectCount(resolve(p.value as Node));
    }
    return undefined;
  };
  /** `module.exports.tests`, `exports.tests` → 'tests'; `module.exports` → 'module'. */
  const cjsTarget = (n: Node): 'tests' | 'module' | null => {
    if (n.type !== 'MemberExpression') return null;
    const obj = n.object as Node;
    const prop = n.property as Node;
    const propName = prop.type === 'Identifier' ? prop.name : prop.value;
    const isModuleExports =
      obj.type === 'MemberExpression' &&
      (obj.object as Node).type === 'Identifier' &&
      (obj.object as Node).name === 'module' &&
      ((obj.property as Node).name === 'exports' || (obj.property as Node).value === 'exports');
    if (
      propName === 'tests' &&
      (isModuleExports || (obj.type === 'Identifier' && obj.name === 'exports'))
    )
      return 'tests';
    if (obj.type === 'Identifier' && obj.name === 'module' && propName === 'exports')
      return 'module';
    return null;
  };

  let count = 0;
  let unknown = false;
  const add = (n: number | null | undefined) => {
    if (n === null) unknown = true;
    else if (n !== undefined) count += n;
  };
  for (const s of body) {
    if (s.type === 'ExportDefaultDeclaration') {
      const d = resolve(s.declaration as Node);
      if (isFunction(d)) count += 1;
      else add(testsOf(d));
    } else if (s.type === 'ExportNamedDeclaration') {
      const decl = s.declaration as Node | null;
      if (decl?.type === 'VariableDeclaration') {
        for (const d of decl.declarations as Node[]) {
          if ((d.id as Node).name === 'tests') add(objectCount(resolve(d.init as Node)));
        }
      }
      for (const spec of (s.specifiers as Node[] | undefined) ?? []) {
        const exported = spec.exported as Node;
        const name = exported.type === 'Identifier' ? exported.name : exported.value;
        const local = resolve(spec.local as Node);
        if (name === 'tests') add(objectCount(local));
        else if (name === 'default' && isFunction(local)) count += 1;
      }
    } else if (s.type === 'ExpressionStatement') {
      const e = s.expression as Node;
      if (e.type !== 'AssignmentExpression') continue;
      const target = cjsTarget(e.left as Node);
      const value = resolve(e.right as Node);
      if (target === 'tests') add(objectCount(value));
      else if (target === 'module') {
        if (isFunction(value)) count += 1;
        else add(testsOf(value));
      }
    }
  }
  return unknown ? null : count;
}
