import type { ParseArgsConfig } from 'node:util';

/**
 * The flags of `harness-runner run` (node:util parseArgs options). No imports: the bot's fake
 * harness takes the same grammar from here (`@ccci/harness-runner/run-flags`).
 */
export const RUN_FLAGS = {
  recipe: { type: 'string' },
  ref: { type: 'string' },
  src: { type: 'string' },
  pr: { type: 'string' },
  stages: { type: 'string' },
  quick: { type: 'boolean' },
  'run-id': { type: 'string' },
  sha: { type: 'string' },
  'keep-on-failure': { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;
