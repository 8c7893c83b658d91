import type { NewRun } from '../src/index.js';

/** A run of custom-html for alice's pull request 1 (branch `feature`); `extra` overrides. */
export const newRun = (id: string, extra: Partial<NewRun> = {}): NewRun => ({
  id,
  repo: 'o/custom-html',
  recipe: 'custom-html',
  pr: 1,
  commentId: null,
  requestedBy: 'alice',
  headSha: 'a'.repeat(40),
  headRef: 'feature',
  baseRef: 'main',
  src: 'http://x/o/custom-html.git',
  stages: null,
  quick: false,
  executor: 'local',
  keyHash: null,
  ...extra,
});
