import { join } from 'node:path';
import {
  createBot,
  createBotServer,
  createDroneExecutor,
  createLocalExecutor,
  type Executor,
} from '@ccci/bot';
import { createDrone, createForge } from '@ccci/forge';
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

/** Field names pino masks wherever they appear in a log line. */
const REDACT = [
  'token',
  'authorization',
  'reportKey',
  'key',
  'secret',
  '*.token',
  '*.authorization',
  '*.reportKey',
  'headers.authorization',
];

/** Starts the bot from environment settings. Throws SettingsError / StoreError for the CLI. */
export async function start(options: MainOptions): Promise<Running> {
  const settings = loadSettings(options.env);
  const log = pino(
    {
      level: settings.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { app: 'trigger-bot' },
    },
    options.logStream ?? process.stdout,
  );
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
    log,
  });
  const server = createBotServer({ bot, webhookSecret: settings.webhookSecret });
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
