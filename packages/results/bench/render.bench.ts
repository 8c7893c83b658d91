// `pnpm bench results`: how long each renderer and the validator take, per call.
// Figures only; no goal is asserted. The card PNG dominates (resvg rasterising + PNG encoding).
import { readFileSync } from 'node:fs';
import {
  exampleResults,
  normalizeResults,
  renderBadge,
  renderCardPng,
  renderCardSvg,
  renderComment,
  validateResults,
} from '../src/index.js';

const results = exampleResults({ level: 3 });
const screenshot = readFileSync(new URL('../test/fixtures/screenshot.png', import.meta.url));

function measure(name: string, runs: number, fn: () => unknown) {
  fn(); // warm up (ajv compile, font loading)
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  const ms = (performance.now() - start) / runs;
  console.log(`${name.padEnd(34)} ${ms.toFixed(3).padStart(9)} ms/call  (${runs} runs)`);
}

measure('validateResults', 2000, () => validateResults(results));
measure('normalizeResults (v1)', 2000, () => normalizeResults(results));
measure('renderComment (result)', 2000, () => renderComment({ kind: 'result', results }));
measure('renderBadge', 2000, () => renderBadge(3));
measure('renderCardSvg (with screenshot)', 500, () => renderCardSvg(results, { screenshot }));
measure('renderCardPng scale 1', 10, () => renderCardPng(results, { scale: 1 }));
measure('renderCardPng scale 2', 10, () => renderCardPng(results));
measure('renderCardPng scale 2 + screenshot', 10, () => renderCardPng(results, { screenshot }));
