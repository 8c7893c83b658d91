// `pnpm --filter @ccci/results samples [dir]`: writes sample cards (SVG + PNG), badges and
// result comments for levels 0–5, plus a card of an old (v0) results file, to `dir`
// (default: samples/ at the repository root, gitignored) so a person can look at them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  exampleResults,
  type Level,
  renderBadge,
  renderCardPng,
  renderCardSvg,
  renderComment,
} from '../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = resolve(process.argv[2] ?? resolve(root, 'samples'));
mkdirSync(dir, { recursive: true });
const fixtures = new URL('../test/fixtures/', import.meta.url);
const screenshot = readFileSync(new URL('screenshot.png', fixtures));

for (const level of [0, 1, 2, 3, 4, 5] as Level[]) {
  const results = exampleResults({ level });
  const shot = level >= 1 ? screenshot : null;
  writeFileSync(
    resolve(dir, `card-level-${level}.svg`),
    renderCardSvg(results, { screenshot: shot }),
  );
  writeFileSync(
    resolve(dir, `card-level-${level}.png`),
    renderCardPng(results, { screenshot: shot }),
  );
  writeFileSync(resolve(dir, `badge-level-${level}.svg`), renderBadge(level));
  writeFileSync(
    resolve(dir, `comment-level-${level}.md`),
    renderComment({
      kind: 'result',
      results,
      links: {
        runUrl: `https://ci.example.org/runs/${results.run_id}`,
        logUrl: `https://ci.example.org/runs/${results.run_id}/log`,
        cardUrl: `https://ci.example.org/runs/${results.run_id}/card.png`,
        badgeUrl: `https://ci.example.org/runs/${results.run_id}/badge.svg`,
      },
    }),
  );
}
writeFileSync(resolve(dir, 'badge-unknown.svg'), renderBadge(null));
const v0 = JSON.parse(readFileSync(new URL('results-v0.json', fixtures), 'utf8'));
writeFileSync(resolve(dir, 'card-v0.svg'), renderCardSvg(v0));
writeFileSync(resolve(dir, 'card-v0.png'), renderCardPng(v0));
console.log(`wrote sample cards, badges and comments for levels 0–5 and a v0 card to ${dir}`);
