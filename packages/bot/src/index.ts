export { type Bot, type BotOptions, createBot } from './bot.js';
export {
  COMMANDS,
  type Command,
  type CommandSpec,
  type HelpOptions,
  KEEP_DEFAULT_MINUTES,
  KEEP_MAX_MINUTES,
  parseCommand,
  renderHelp,
} from './command.js';
export { type Context, InjectedCrash } from './context.js';
export type { Digest, DigestEntry } from './digest.js';
export { createDroneExecutor, type DroneExecutorOptions, droneParams } from './drone-executor.js';
export type { DispatchRequest, Executor, ExecutorEvents, LookupResult } from './executor.js';
export { hashKey, keyMatches, newRunId, newRunKey } from './keys.js';
export { createLocalExecutor, type LocalExecutorOptions } from './local-executor.js';
export type { BotLog } from './log.js';
export type { BotMetrics } from './metrics.js';
export type { DigestTargets } from './notify.js';
export type { DigestOptions } from './periodic.js';
export { FIRST_POLL_LOOKBACK_MS } from './poller.js';
export { ARTIFACT_NAME } from './report.js';
export type { ScheduleOptions } from './schedule.js';
export { type BotServer, type BotServerOptions, createBotServer } from './server.js';
