import { join } from 'node:path';
import {
  createBot,
  createBotServer,
  createDroneExecutor,
  createLocalExecutor,
  type Executor,
} from '@ccci/bot';
import { createDrone, createForge } from '@ccci/forge';
import { createRedactor, pinoRedactOptions, SENSITIVE_FIELD_NAMES } from '@ccci/redact';
import { openStore } from '@ccci/store';
import { pino } from 'pino';
import { loadSettings, type Settings } from './settings.js';

export interface Running {
  url: string;
  settings: Settings;
  /** Graceful stop: polling stops, in-flight handling finishes, local runs get TERM and their
   * reports are still taken in, then the server and the database close. */
  stop(): Promise<void>;
}

export interface MainOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Log destination. Default stdout. */
  logStream?: NodeJS.WritableStream;
  /**
   * Extra environment for local-executor harness processes, on top of this process's own
   * (the demo puts the abra stand-in first on PATH and points CCCI_* at temp dirs). Default none.
   */
  harnessEnv?: Record<string, string>;
}

/**
 * Field names whose values the log masks, at any depth and in any spelling: @ccci/redact's
 * (`token`, `authorization`, `secret`, …) and the bot's own, `key` (a run's report key,
 * `reportKey`) and `webhookUrl` (a digest hook, whose URL is its secret).
 */
const SECRET_FIELDS = [...SENSITIVE_FIELD_NAMES, 'key', 'webhookUrl'];

/**
 * A pino destination that masks every secret the bot holds, by value and in the encodings
 * @ccci/redact knows, in each line before it is written: the field names above only cover
 * fields named like secrets, not a token inside a message. pino writes one whole line per call.
 */
export function maskingDestination(
  secrets: Record<string, string | null>,
  out: NodeJS.WritableStream,
): { destination: { write(line: string): void }; unmaskable: readonly string[] } {
  const redactor = createRedactor({ secretsDir: false, mask: '[redacted]' });
  for (const [name, value] of Object.entries(secrets)) if (value) redactor.add(value, { name });
  return {
    destination: { write: (line) => void out.write(redactor.redactString(line)) },
    unmaskable: redactor.unmaskable,
  };
}

/** Starts the bot from environment settings. Throws SettingsError / StoreError for the CLI. */
export async function start(options: MainOptions): Promise<Running> {
  const settings = loadSettings(options.env);
  const masking = maskingDestination(
    {
      FORGE_TOKEN: settings.forge.token,
      DRONE_TOKEN: settings.executor.kind === 'drone' ? settings.executor.token : null,
      WEBHOOK_SECRET: settings.webhookSecret,
      DIGEST_WEBHOOK_URL: settings.digest.webhookUrl,
      MATRIX_ACCESS_TOKEN: settings.digest.matrix?.accessToken ?? null,
    },
    options.logStream ?? process.stdout,
  );
  const log = pino(
    {
      level: settings.logLevel,
      ...pinoRedactOptions({ names: SECRET_FIELDS, mask: '[redacted]' }),
      base: { app: 'trigger-bot' },
    },
    masking.destination,
  );
  if (masking.unmaskable.length > 0)
    log.warn({ names: masking.unmaskable }, 'secrets too short to be masked by value in the log');
  const store = openStore({ path: settings.dbPath });
  const forge = createForge({
    dialect: settings.forge.dialect,
    baseUrl: settings.forge.url,
    token: settings.forge.token,
    log,
    userAgent: 'ccci-trigger-bot',
  });
  let executor: Executor;
  if (settings.executor.kind === 'local') {
    executor = createLocalExecutor({
      command: settings.executor.command,
      maxTests: settings.executor.maxTests,
      stateDir: join(settings.dataDir, 'runs'),
      ...(options.harnessEnv ? { env: options.harnessEnv } : {}),
      log,
    });
  } else {
    const drone = createDrone({
      baseUrl: settings.executor.url,
      token: settings.executor.token,
      log,
    });
    executor = createDroneExecutor({
      drone,
      log,
      repo: settings.executor.repo,
      branch: settings.executor.branch,
    });
  }
  const bot = createBot({
    store,
    forge,
    executor,
    repos: settings.repos,
    org: settings.org,
    allowlist: settings.allowlist,
    publicUrl: settings.publicUrl,
    reportUrl: settings.reportUrl,
    statusContext: settings.statusContext,
    refusalIntervalMs: settings.refusalIntervalMs,
    lateReportMs: settings.lateReportMs,
    runDeadlineMs: settings.runDeadlineMs,
    keepMax: settings.keepMax,
    schedule: settings.schedule,
    digest: {
      everyMs: settings.digest.everyMs,
      outdatedMs: settings.digest.outdatedMs,
      targets: {
        ...(settings.digest.webhookUrl ? { webhook: { url: settings.digest.webhookUrl } } : {}),
        ...(settings.digest.matrix ? { matrix: settings.digest.matrix } : {}),
      },
    },
    log,
  });
  const server = createBotServer({
    bot,
    webhookSecret: settings.webhookSecret,
    outdatedDays: settings.dashboardOutdatedDays,
  });
  let url: string;
  try {
    url = await server.listen(settings.listen.port, settings.listen.host);
  } catch (error) {
    store.close();
    throw error;
  }
  bot.startPolling(settings.pollIntervalMs);
  log.info(
    {
      url,
      repos: settings.repos.length,
      executor: executor.name,
      webhook: settings.webhookSecret !== null,
      scheduleEveryHours: settings.schedule.everyMs / 3_600_000,
      digestTargets: [
        ...(settings.digest.webhookUrl ? ['webhook'] : []),
        ...(settings.digest.matrix ? ['matrix'] : []),
      ],
    },
    'trigger-bot started',
  );
  let stopping: Promise<void> | undefined;
  return {
    url,
    settings,
    stop() {
      stopping ??= (async () => {
        log.info({}, 'stopping: polling stops, in-flight handling finishes');
        await bot.stop();
        await executor.close({ terminate: true, graceMs: settings.shutdownGraceMs });
        await server.close();
        store.close();
        log.info({}, 'stopped');
        log.flush();
      })();
      return stopping;
    },
  };
}
