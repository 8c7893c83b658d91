// `pnpm --filter @ccci/results fonts [fonts-root]`: writes src/font-widths.ts from the installed
// card fonts (Debian: fonts-dejavu-core, fonts-noto-cjk, fonts-symbola under /usr/share/fonts).
// Run it after a font package changes; test/font-widths.test.ts fails when the table drifts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fontWidthsSource } from './font-widths-table.js';

const target = fileURLToPath(new URL('../src/font-widths.ts', import.meta.url));
writeFileSync(target, fontWidthsSource(process.argv[2]));
console.log(`wrote ${target}`);
