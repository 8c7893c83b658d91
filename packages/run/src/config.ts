import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { assertCiDomain } from '@ccci/lock';
import type { EngineConfig } from './context.js';
import { UsageError } from './errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Host settings from the environment (see {@link EngineConfig} for each variable). */
export function configFromEnv(env: Env, cwd = process.cwd()): EngineConfig {
  const get = (k: string) => (env[k] === undefined || env[k] === '' ? undefined : env[k]);
  const abs = (k: string, fallback: string) => {
    const v = get(k) ?? fallback;
    if (!isAbsolute(v))
      throw new UsageError(`${k}: expected an absolute path, found ${JSON.stringify(v)}`);
    return resolve(v);
  };
  const state = get('XDG_STATE_HOME') ?? join(homedir(), '.local', 'state');
  const runsDir = abs('CCCI_RUNS_DIR', join(state, 'ccci', 'runs'));
  const ciDomain = get('CCCI_CI_DOMAIN') ?? 'ci.localhost';
  try {
    assertCiDomain(ciDomain, 'CCCI_CI_DOMAIN');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const server = get('CCCI_SERVER') ?? 'default';
  if (!/^[a-z0-9][a-z0-9.-]{0,62}$/.test(server)) {
    throw new UsageError(
      `CCCI_SERVER: expected a server name of [a-z0-9.-], found ${JSON.stringify(server)}`,
    );
  }
  const deadlineMin = Number(get('CCCI_DEADLINE_MIN') ?? '60');
  if (!Number.isFinite(deadlineMin) || deadlineMin <= 0 || deadlineMin > 24 * 60) {
    throw new UsageError(
      `CCCI_DEADLINE_MIN: expected minutes in (0, 1440], found ${JSON.stringify(get('CCCI_DEADLINE_MIN'))}`,
    );
  }
  const gatewayUrl = get('CCCI_GATEWAY_URL');
  if (gatewayUrl !== undefined && !/^https?:\/\/[A-Za-z0-9.[\]:-]+\/?$/.test(gatewayUrl)) {
    throw new UsageError(
      `CCCI_GATEWAY_URL: expected http(s)://host:port, found ${JSON.stringify(gatewayUrl)}`,
    );
  }
  const reportUrl = get('CCCI_REPORT_URL');
  if (reportUrl !== undefined && !/^https?:\/\/\S+$/.test(reportUrl)) {
    throw new UsageError(
      `CCCI_REPORT_URL: expected an http(s) URL, found ${JSON.stringify(reportUrl)}`,
    );
  }
  const keyFile = get('CCCI_REPORT_KEY_FILE');
  let reportKey = get('CCCI_REPORT_KEY');
  if (keyFile) {
    try {
      reportKey = readFileSync(keyFile, 'utf8').trim();
    } catch (error) {
      throw new UsageError(
        `CCCI_REPORT_KEY_FILE: cannot read ${keyFile} (${(error as NodeJS.ErrnoException).code})`,
      );
    }
  }
  const lastGreen = get('CCCI_LAST_GREEN_VERSION');
  if (lastGreen !== undefined && !/^[A-Za-z0-9][A-Za-z0-9.+_-]{0,99}$/.test(lastGreen)) {
    throw new UsageError(
      `CCCI_LAST_GREEN_VERSION: expected a recipe version, found ${JSON.stringify(lastGreen)}`,
    );
  }
  const hookTimeout = get('CCCI_HOOK_TIMEOUT_S');
  const hookTimeoutS = hookTimeout === undefined ? undefined : Number(hookTimeout);
  if (
    hookTimeoutS !== undefined &&
    (!Number.isInteger(hookTimeoutS) || hookTimeoutS < 1 || hookTimeoutS > 3600)
  ) {
    throw new UsageError(
      `CCCI_HOOK_TIMEOUT_S: expected whole seconds in [1, 3600], found ${JSON.stringify(hookTimeout)}`,
    );
  }
  const untrustedUser = get('CCCI_UNTRUSTED_USER');
  if (untrustedUser !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(untrustedUser)) {
    throw new UsageError(
      `CCCI_UNTRUSTED_USER: expected a user name, found ${JSON.stringify(untrustedUser)}`,
    );
  }
  const metricsFile = get('CCCI_METRICS_FILE');
  if (metricsFile !== undefined && !isAbsolute(metricsFile))
    throw new UsageError(
      `CCCI_METRICS_FILE: expected an absolute path, found ${JSON.stringify(metricsFile)}`,
    );
  const fontsDir = get('CCCI_FONTS_DIR');
  if (fontsDir !== undefined && !isAbsolute(fontsDir))
    throw new UsageError(
      `CCCI_FONTS_DIR: expected an absolute path, found ${JSON.stringify(fontsDir)}`,
    );
  return {
    fontsDir,
    metricsFile,
    hookTimeoutMs: hookTimeoutS === undefined ? undefined : hookTimeoutS * 1000,
    untrustedUser,
    runsDir,
    sharedAbraDir: abs('CCCI_ABRA_DIR', join(homedir(), '.abra')),
    locksDir: abs('CCCI_LOCKS_DIR', join(dirname(runsDir), 'locks')),
    ciDomain,
    server,
    enrolmentDir: abs('CCCI_ENROLMENT_DIR', join(cwd, 'recipes')),
    gatewayUrl,
    deadlineMs: deadlineMin * 60_000,
    abraBin: get('CCCI_ABRA_BIN') ?? 'abra',
    chromium: get('CCCI_CHROMIUM') ?? '/usr/bin/chromium',
    reportUrl,
    reportKey,
    spoolDir: abs('CCCI_SPOOL_DIR', join(dirname(runsDir), 'spool')),
    depSrcTemplate: get('CCCI_DEP_SRC') ?? 'https://git.coopcloud.tech/coop-cloud/{recipe}.git',
    lastGreenVersion: lastGreen,
    allowOrphan: get('CCCI_ALLOW_ORPHAN') === '1',
    secretsDir: abs('CCCI_SECRETS_DIR', '/run/secrets'),
    lockWaitMs: 10 * 60_000,
  };
}
