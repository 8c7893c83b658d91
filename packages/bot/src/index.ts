export { type Bot, type BotOptions, createBot } from './bot.js';
export {
  COMMANDS,
  type Command,
  type CommandSpec,
  type HelpOptions,
  KEEP_MAX_MINUTES,
  parseCommand,
  renderHelp,
} from './command.js';
export { type Context, InjectedCrash } from './context.js';
export type { Digest, DigestEntry } from './digest.js';
export { createDroneExecutor, type DroneExecutorOptions } from './drone-executor.js';
export type { DispatchRequest, Executor, ExecutorEvents, LookupResult } from './executor.js';
export { createLocalExecutor, type LocalExecutorOptions } from './local-executor.js';
export type { BotMetrics } from './metrics.js';
export type { DigestTargets } from './notify.js';
export type { DigestOptions } from './periodic.js';
export type { ScheduleOptions } from './schedule.js';
export { type BotServer, type BotServerOptions, createBotServer } from './server.js';
