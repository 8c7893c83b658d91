export { type Abra, type AbraResult, createAbra } from './abra.js';
export { incrementDeployCount, readDeployCount } from './deploy-count.js';
// The env-file half (`@ccci/abra/env-file`), whole.
export * from './env.js';
export {
  type AbraCallInfo,
  AbraError,
  type AbraErrorCode,
  type AbraErrorFields,
  classifyFailure,
  parseFatalLines,
} from './errors.js';
export { type LintReport, type LintRule, type LintSeverity, parseLintTable } from './lint.js';
export {
  type AbraCallRegistry,
  type AbraOperation,
  type CallOptions,
  type CreateAbraOptions,
  DEFAULT_DEPLOY_TIMEOUT_SEC,
  DEFAULT_TIMEOUTS_MS,
} from './options.js';
export { type PsService, parsePs } from './ps.js';
export { quoteArg, quoteCommand } from './quote.js';
export type { OutputStream } from './run-process.js';
export { type GeneratedSecret, maskSecrets, parseGeneratedSecrets } from './secrets.js';
export { type ParsedTable, parseTable, type TableRow } from './table.js';
export { cleanTerminalOutput } from './terminal.js';
