/** The five rungs of the ladder, in climbing order (rung n = index + 1). */
export const RUNG_NAMES = ['install', 'upgrade', 'backup_restore', 'functional', 'lint'] as const;
export type RungName = (typeof RUNG_NAMES)[number];

/**
 * `pass`, `fail`; `skip` = intentional (declared in EXPECTED_NA or structural) and climbed past;
 * `unver` = unintentional (infra error, missing tool, timeout, crash, an earlier abort).
 */
export const RUNG_STATUSES = ['pass', 'fail', 'skip', 'unver'] as const;
export type RungStatus = (typeof RUNG_STATUSES)[number];

/** 0 = does not install; n = rung n passed and every rung below passed or was skipped. */
export type Level = 0 | 1 | 2 | 3 | 4 | 5;
const MAX_LEVEL = 5;

/** Short human label of each rung, as shown in comments and cards. */
export const RUNG_LABELS: Readonly<Record<RungName, string>> = {
  install: 'install',
  upgrade: 'upgrade',
  backup_restore: 'backup / restore',
  functional: 'functional',
  lint: 'lint',
};

/** What reaching a level means, in words. */
export const LEVEL_MEANINGS: Readonly<Record<Level, string>> = {
  0: 'does not install',
  1: 'installs',
  2: 'upgrades in place',
  3: 'backs up and restores',
  4: 'passes its functional tests',
  5: 'lints clean',
};

export function isRungName(value: unknown): value is RungName {
  return typeof value === 'string' && (RUNG_NAMES as readonly string[]).includes(value);
}

export function isRungStatus(value: unknown): value is RungStatus {
  return typeof value === 'string' && (RUNG_STATUSES as readonly string[]).includes(value);
}
