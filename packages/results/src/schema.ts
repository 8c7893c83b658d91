import { RECIPE_NAME_SOURCE, RUNG_NAMES, RUNG_STATUSES } from '@ccci/contracts';
import { MAX_DURATION_MS } from './bounds.js';
import type { Artifacts, Flags, Results, RungResult, TestResult } from './types.js';

const nullable = <T extends object>(schema: T) => ({ anyOf: [schema, { type: 'null' }] }) as const;
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const flag = { type: ['boolean', 'null'] } as const;
const artifact = nullable({ type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$' });
const status = { enum: RUNG_STATUSES } as const;
const rungName = { enum: RUNG_NAMES } as const;
// The pattern bounds each field; that the day exists in its month, that the year is 1970 or
// later and that finished_at is not before started_at are checked in code (validate.ts).
const isoUtc = {
  type: 'string',
  format: 'date-time',
  pattern:
    '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?Z$',
} as const;
/** Wall time in ms: a week at most (MAX_DURATION_MS). */
const ms = { type: 'integer', minimum: 0, maximum: MAX_DURATION_MS } as const;

const testResult = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'status', 'ms', 'reason'],
  properties: {
    name: text(300),
    status,
    ms,
    reason: nullable(text(2000)),
  },
} as const;

const rung = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'reason', 'duration_ms', 'tests'],
  properties: {
    status,
    reason: nullable(text(2000)),
    duration_ms: nullable(ms),
    tests: { type: 'array', maxItems: 5000, items: { $ref: '#/$defs/test' } },
  },
} as const;

const skipEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['rung', 'test', 'reason'],
  properties: { rung: rungName, test: nullable(text(300)), reason: text(2000) },
} as const;

const flags = {
  type: 'object',
  additionalProperties: false,
  required: ['clean_teardown', 'no_secret_leak', 'deploy_budget_ok', 'quick', 'flaky'],
  properties: {
    clean_teardown: flag,
    no_secret_leak: flag,
    deploy_budget_ok: flag,
    quick: flag,
    flaky: flag,
  },
} as const;

const artifacts = {
  type: 'object',
  additionalProperties: false,
  required: ['card_svg', 'card_png', 'screenshot', 'badge', 'log', 'results'],
  properties: {
    card_svg: artifact,
    card_png: artifact,
    screenshot: artifact,
    badge: artifact,
    log: artifact,
    results: artifact,
  },
} as const;

/** Current results.json schema version. */
export const RESULTS_SCHEMA_VERSION = 1;

/** JSON Schema (draft 2020-12) of results.json v1; exported to machine-docs/results.schema.json. */
export const resultsSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'ccci results.json',
  description:
    'The outcome of one ccci run of a Co-op Cloud recipe: level, rungs, flags, artifacts. ' +
    'Generated from packages/results/src/schema.ts; do not edit by hand.',
  type: 'object',
  additionalProperties: false,
  required: [
    'schema_version',
    'recipe',
    'version',
    'pr',
    'ref',
    'sha',
    'run_id',
    'executor_url',
    'started_at',
    'finished_at',
    'level',
    'rungs',
    'lint',
    'skips',
    'deploys',
    'flags',
    'manifest',
    'artifacts',
  ],
  properties: {
    schema_version: { const: 1 },
    recipe: { type: 'string', pattern: RECIPE_NAME_SOURCE },
    version: nullable(text(128)),
    pr: nullable({ type: 'integer', minimum: 1 }),
    ref: text(255),
    sha: { type: 'string', pattern: '^([0-9a-f]{40}|[0-9a-f]{64})$' },
    run_id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' },
    executor_url: nullable({
      type: 'string',
      format: 'uri',
      pattern: '^https?://',
      maxLength: 2000,
    }),
    started_at: isoUtc,
    finished_at: isoUtc,
    level: { type: 'integer', minimum: 0, maximum: 5 },
    rungs: {
      type: 'object',
      additionalProperties: false,
      required: RUNG_NAMES,
      properties: {
        install: { $ref: '#/$defs/rung' },
        upgrade: { $ref: '#/$defs/rung' },
        backup_restore: { $ref: '#/$defs/rung' },
        functional: { $ref: '#/$defs/rung' },
        lint: { $ref: '#/$defs/rung' },
      },
    },
    lint: {
      type: 'object',
      additionalProperties: false,
      required: ['rules_failed'],
      properties: {
        rules_failed: {
          type: 'array',
          maxItems: 500,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'severity', 'description'],
            properties: {
              id: text(64),
              severity: { enum: ['error', 'warn'] },
              description: text(1000),
            },
          },
        },
      },
    },
    skips: {
      type: 'object',
      additionalProperties: false,
      required: ['intentional', 'unintentional'],
      properties: {
        intentional: { type: 'array', items: { $ref: '#/$defs/skip' } },
        unintentional: { type: 'array', items: { $ref: '#/$defs/skip' } },
      },
    },
    deploys: {
      type: 'object',
      additionalProperties: false,
      required: ['count', 'budget'],
      properties: {
        count: { type: 'integer', minimum: 0 },
        budget: nullable({ type: 'integer', minimum: 0 }),
      },
    },
    flags,
    manifest: { type: ['object', 'null'] },
    artifacts,
  },
  $defs: { rung, test: testResult, skip: skipEntry },
} as const;

// Compile-time lockstep: the schema's property names equal the type's keys, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Keys<S extends { properties: object }> = keyof S['properties'];
const lockstep: [
  Same<Keys<typeof resultsSchema>, keyof Results>,
  Same<Keys<typeof rung>, keyof RungResult>,
  Same<Keys<typeof testResult>, keyof TestResult>,
  Same<Keys<typeof flags>, keyof Flags>,
  Same<Keys<typeof artifacts>, keyof Artifacts>,
  Same<(typeof resultsSchema.required)[number], keyof Results>,
] = [true, true, true, true, true, true];
void lockstep;
