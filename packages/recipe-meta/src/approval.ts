import { readFileSync } from 'node:fs';
import { type MetaProblem, problem } from './problems.js';

/** Default name of the operator's approval file, inside the recipes folder. */
export const APPROVAL_FILE = 'approved-code.txt';

const RECIPE_NAME = /^[a-z0-9][a-z0-9-]*$/;

export interface ApprovalList {
  file: string;
  /** Recipes whose own `.ccci/` (hooks, shell, tests) may run. */
  names: ReadonlySet<string>;
  problems: MetaProblem[];
}

/**
 * Reads the operator's approval file: one recipe name per line, `#` starts a comment. A missing
 * file approves nothing (default deny). A lone `*` is NOT a wildcard: it approves nothing and is
 * reported, so nobody believes it opened the door.
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
  const names = new Set<string>();
  const problems: MetaProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    const entry = raw.replace(/#.*$/, '').trim();
    if (!entry) return;
    if (entry === '*') {
      problems.push(
        problem({
          code: 'approval_wildcard',
          file,
          line: i + 1,
          message: '"*" is not a wildcard: it approves no recipe',
          hint: 'list each recipe whose own .ccci/ code may run, one name per line',
        }),
      );
    } else if (!RECIPE_NAME.test(entry)) {
      problems.push(
        problem({
          code: 'approval_bad_line',
          file,
          line: i + 1,
          message: `${JSON.stringify(entry)} is not a recipe name ([a-z0-9-], one per line)`,
          hint: 'write one recipe name per line; # starts a comment',
        }),
      );
    } else names.add(entry);
  });
  return { file, names, problems };
}
