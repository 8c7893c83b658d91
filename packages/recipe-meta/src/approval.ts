import { readFileSync } from 'node:fs';
import { isRecipeName } from '@ccci/contracts';
import { type MetaProblem, problem } from './problems.js';

/** Default name of the operator's approval file, inside the recipes folder. */
export const APPROVAL_FILE = 'approved-code.txt';

export interface ApprovalList {
  file: string;
  /** Recipes with at least one approved `.ccci/` content. */
  names: ReadonlySet<string>;
  /** Per recipe, the `.ccci/` contents (tree hashes, tree-hash.ts) whose code may run. */
  hashes: ReadonlyMap<string, ReadonlySet<string>>;
  problems: MetaProblem[];
}

/** Whether `recipe`'s `.ccci/` of hash `hash` is approved. */
export function isApproved(list: ApprovalList, recipe: string, hash: string): boolean {
  return list.hashes.get(recipe)?.has(hash) ?? false;
}

const HASH = /^sha256:[0-9a-f]{64}$/;

/**
 * Reads the operator's approval file: one approval per line, `<recipe> sha256:<hash>` (the
 * content of the recipe's `.ccci/` it approves, as `ccci-meta hash` prints it); `#` starts a
 * comment. Approvals name content, not recipes: a pull request that changes `.ccci/` changes its
 * hash and is not approved. A missing file approves nothing (default deny). A lone `*` or a name
 * without a hash approves nothing and is reported, so nobody believes it opened the door.
 */
export function readApprovalList(file: string): ApprovalList {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      file,
      names: new Set(),
      hashes: new Map(),
      problems: missing
        ? []
        : [
            problem({
              code: 'unreadable',
              file,
              message: `cannot read the approval file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
              hint: 'make it readable; until then no recipe code from pull requests runs',
            }),
          ],
    };
  }
  const hashes = new Map<string, Set<string>>();
  const problems: MetaProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    const entry = raw.replace(/#.*$/, '').trim();
    if (!entry) return;
    const [name = '', hash, ...rest] = entry.split(/\s+/);
    if (entry === '*') {
      problems.push(
        problem({
          code: 'approval_wildcard',
          file,
          line: i + 1,
          message: '"*" is not a wildcard: it approves no recipe',
          hint: "approve each recipe's .ccci/ content: `<recipe> sha256:<hash>`, one per line",
        }),
      );
    } else if (!isRecipeName(name) || rest.length > 0 || (hash && !HASH.test(hash))) {
      problems.push(
        problem({
          code: 'approval_bad_line',
          file,
          line: i + 1,
          message: `${JSON.stringify(entry.slice(0, 120))} is not an approval (\`<recipe> sha256:<64 hex digits>\`)`,
          hint: 'print the line to add with `ccci-meta hash <recipe> <checkout>`; # starts a comment',
        }),
      );
    } else if (!hash) {
      problems.push(
        problem({
          code: 'approval_needs_hash',
          file,
          line: i + 1,
          message: `${name} is approved by name only, which approves nothing: an approval names the content of the recipe's .ccci/`,
          hint: `add its hash: \`ccci-meta hash ${name} <checkout>\` prints the line`,
        }),
      );
    } else {
      const set = hashes.get(name) ?? new Set<string>();
      set.add(hash);
      hashes.set(name, set);
    }
  });
  return { file, names: new Set(hashes.keys()), hashes, problems };
}
