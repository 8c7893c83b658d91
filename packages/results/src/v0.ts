import { RUNG_NAMES, type RungName, type RungStatus } from '@ccci/contracts';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { collectSkips } from './derive.js';
import { ResultsSchemaError } from './errors.js';
import { level } from './level.js';
import { clipText } from './text.js';
import { NO_ARTIFACTS, type Results, type RungResult, UNKNOWN_FLAGS } from './types.js';
import { toIssues } from './validate.js';

/**
 * results.json as the first prototype wrote it (no `schema_version`): tiers as a list with
 * past-tense results, a bare deploy count, no flags, no skips, no manifest. Kept so that old
 * runs in a store still render.
 */
interface ResultsV0 {
  recipe: string;
  version?: string | null;
  pr?: number | null;
  ref?: string;
  commit: string;
  run: string;
  drone_url?: string | null;
  started: string;
  finished: string;
  level?: number;
  tiers: TierV0[];
  deploys?: number;
  lint_errors?: { rule: string; message: string }[];
  artifacts?: { card?: string; screenshot?: string; log?: string };
}

interface TierV0 {
  name: 'install' | 'upgrade' | 'backup' | 'functional' | 'lint';
  result: 'passed' | 'failed' | 'skipped' | 'unverified';
  message?: string | null;
  seconds?: number | null;
  tests?: { name: string; passed: boolean; ms: number }[];
}

const schemaV0 = {
  type: 'object',
  required: ['recipe', 'commit', 'run', 'started', 'finished', 'tiers'],
  properties: {
    recipe: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]{0,99}$' },
    version: { type: ['string', 'null'] },
    pr: { type: ['integer', 'null'], minimum: 1 },
    ref: { type: 'string', minLength: 1 },
    commit: { type: 'string', pattern: '^[0-9a-f]{40}$' },
    run: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' },
    drone_url: { type: ['string', 'null'], pattern: '^https?://' },
    started: { type: 'string', minLength: 1 },
    finished: { type: 'string', minLength: 1 },
    level: { type: 'integer' },
    tiers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'result'],
        properties: {
          name: { enum: ['install', 'upgrade', 'backup', 'functional', 'lint'] },
          result: { enum: ['passed', 'failed', 'skipped', 'unverified'] },
          message: { type: ['string', 'null'] },
          seconds: { type: ['number', 'null'], minimum: 0 },
          tests: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'passed', 'ms'],
              properties: {
                name: { type: 'string', minLength: 1 },
                passed: { type: 'boolean' },
                ms: { type: 'number', minimum: 0 },
              },
            },
          },
        },
      },
    },
    deploys: { type: 'integer', minimum: 0 },
    lint_errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['rule', 'message'],
        properties: {
          rule: { type: 'string', minLength: 1 },
          message: { type: 'string', minLength: 1 },
        },
      },
    },
    artifacts: {
      type: 'object',
      properties: {
        card: { type: 'string' },
        screenshot: { type: 'string' },
        log: { type: 'string' },
      },
    },
  },
} as const;

let compiled: ValidateFunction | undefined;

const RESULT: Record<TierV0['result'], RungStatus> = {
  passed: 'pass',
  failed: 'fail',
  skipped: 'skip',
  unverified: 'unver',
};
const NAME: Record<TierV0['name'], RungName> = {
  install: 'install',
  upgrade: 'upgrade',
  backup: 'backup_restore',
  functional: 'functional',
  lint: 'lint',
};

/** Upgrades a v0 document to the current shape (throws ResultsSchemaError if it is not v0). */
export function upgradeV0(input: unknown): Results {
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(
    schemaV0,
  );
  if (!compiled(input))
    throw new ResultsSchemaError('results (v0)', toIssues(compiled.errors ?? []));
  const v0 = input as ResultsV0;
  const rungs = Object.fromEntries(
    RUNG_NAMES.map((n): [RungName, RungResult] => [
      n,
      { status: 'unver', reason: 'not recorded (results v0)', duration_ms: null, tests: [] },
    ]),
  ) as Results['rungs'];
  for (const tier of v0.tiers) {
    rungs[NAME[tier.name]] = {
      status: RESULT[tier.result],
      reason: clipText(tier.message ?? '', 2000) || null,
      duration_ms: tier.seconds == null ? null : Math.round(tier.seconds * 1000),
      tests: (tier.tests ?? []).map((t) => ({
        name: clipText(t.name, 300) || '(unnamed test)',
        status: t.passed ? 'pass' : 'fail',
        ms: Math.round(t.ms),
        reason: null,
      })),
    };
  }
  // An unreadable time takes the other one (a run of unknown length, not one of 55 years).
  const readable = (s: string) => {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  };
  const started = readable(v0.started) ?? readable(v0.finished) ?? new Date(0).toISOString();
  const finished = readable(v0.finished) ?? started;
  return {
    schema_version: 1,
    recipe: v0.recipe,
    version: clipText(v0.version ?? '', 128) || null,
    pr: v0.pr ?? null,
    ref: clipText(v0.ref ?? '', 255) || 'unknown',
    sha: v0.commit,
    run_id: v0.run,
    executor_url: v0.drone_url ?? null,
    started_at: started,
    finished_at: finished,
    // The ladder is the definition: recomputed, whatever the prototype stored.
    level: level(rungs),
    rungs,
    lint: {
      rules_failed: (v0.lint_errors ?? []).map((e) => ({
        id: clipText(e.rule, 64) || '(no id)',
        severity: 'error',
        description: clipText(e.message, 1000) || '(no description)',
      })),
    },
    skips: collectSkips(rungs),
    deploys: { count: v0.deploys ?? 0, budget: null },
    flags: { ...UNKNOWN_FLAGS },
    manifest: null,
    artifacts: {
      ...NO_ARTIFACTS,
      card_png: v0.artifacts?.card ?? null,
      screenshot: v0.artifacts?.screenshot ?? null,
      log: v0.artifacts?.log ?? null,
    },
  };
}
