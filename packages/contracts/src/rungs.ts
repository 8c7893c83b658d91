/** The five rungs of the ladder, in climbing order (rung n = index + 1). TIERS-AND-LEVELS.md. */
export const RUNG_NAMES = ['install', 'upgrade', 'backup_restore', 'functional', 'lint'] as const;
export type RungName = (typeof RUNG_NAMES)[number];

/**
 * `pass`, `fail`; `skip` = intentional (declared in EXPECTED_NA or structural) and climbed past;
 * `unver` = unintentional (infra error, missing tool, timeout, crash, an earlier abort).
 */
export const RUNG_STATUSES = ['pass', 'fail', 'skip', 'unver'] as const;
export type RungStatus = (typeof RUNG_STATUSES)[number];

export function isRungName(value: unknown): value is RungName {
  return typeof value === 'string' && (RUNG_NAMES as readonly string[]).includes(value);
}

export function isRungStatus(value: unknown): value is RungStatus {
  return typeof value === 'string' && (RUNG_STATUSES as readonly string[]).includes(value);
}
