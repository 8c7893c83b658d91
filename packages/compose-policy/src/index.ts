export { checkCompose } from './check.js';
export { interpolate } from './interpolate.js';
export type {
  CheckComposeOptions,
  ComposeFile,
  ComposePolicyReport,
  ExceptedViolation,
  PolicyException,
  Rule,
  Violation,
} from './types.js';
export {
  DEFAULT_ALLOWED_BIND_PREFIXES,
  DEFAULT_ALLOWED_CAPABILITIES,
  EXCEPTABLE_RULES,
} from './types.js';
