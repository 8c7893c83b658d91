export type { Pattern, PatternKind } from './encodings.js';
export { patternsOf } from './encodings.js';
export { RedactError, type RedactErrorCode, ScanFileError, SecretsDirError } from './errors.js';
export {
  type FieldPathOptions,
  SENSITIVE_FIELD_NAMES,
  sensitiveFieldPaths,
} from './fields.js';
export {
  type PinoRedactOptions,
  type PinoRedactOptionsInput,
  pinoRedactOptions,
  redactingDestination,
} from './logger.js';
export { Matcher, type Occurrence } from './matcher.js';
export type { RedactorOptions } from './options.js';
export {
  type AddOptions,
  createRedactor,
  createRedactStream,
  type Leak,
  type RedactJsonOptions,
  Redactor,
} from './redactor.js';
export { readSecretsDir } from './secrets-dir.js';
export { RedactStream } from './stream.js';
