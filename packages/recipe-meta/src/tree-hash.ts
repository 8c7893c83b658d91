import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MetaError } from './problems.js';

/** Most entries and bytes a `.ccci/` tree may hold to be hashed (and so approved). */
const TREE_LIMITS = { entries: 5_000, bytes: 64 * 1024 * 1024 } as const;

/** The tree is larger than {@link TREE_LIMITS}: it cannot be approved. */
export class TreeTooLargeError extends MetaError {
  constructor(message: string) {
    super('META_TREE_TOO_LARGE', message);
  }
}

/**
 * The content hash an approval names: `sha256:<hex>` over every entry of `dir`, in byte order
 * of their relative paths, each as its kind, path and content (a file's bytes and whether it is
 * executable, a symlink's target). The same tree gives the same hash on any machine; any change
 * of a byte, a name, a mode bit that matters or a link gives another.
 */
export function treeHash(dir: string): string {
  const lines: Buffer[] = [];
  let entries = 0;
  let bytes = 0;
  const walk = (rel: string): void => {
    const names = readdirSync(join(dir, rel)).sort((a, b) =>
      Buffer.compare(Buffer.from(a), Buffer.from(b)),
    );
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      const full = join(dir, path);
      const st = lstatSync(full);
      if (++entries > TREE_LIMITS.entries)
        throw new TreeTooLargeError(`more than ${TREE_LIMITS.entries} entries`);
      if (st.isDirectory()) {
        lines.push(Buffer.from(`D ${path}\0`));
        walk(path);
      } else if (st.isSymbolicLink()) {
        lines.push(Buffer.from(`L ${path}\0${readlinkSync(full)}\0`));
      } else if (st.isFile()) {
        bytes += st.size;
        if (bytes > TREE_LIMITS.bytes)
          throw new TreeTooLargeError(`more than ${TREE_LIMITS.bytes} bytes`);
        const content = createHash('sha256').update(readFileSync(full)).digest('hex');
        lines.push(Buffer.from(`F${st.mode & 0o111 ? 'x' : '-'} ${path}\0${content}\0`));
      } else {
        lines.push(Buffer.from(`O ${path}\0`));
      }
    }
  };
  walk('');
  return `sha256:${createHash('sha256').update(Buffer.concat(lines)).digest('hex')}`;
}
