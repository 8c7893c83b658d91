import type { RungName } from '@ccci/contracts';

/** 0 = does not install; n = rung n passed and every rung below passed or was skipped. */
export type Level = 0 | 1 | 2 | 3 | 4 | 5;

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
