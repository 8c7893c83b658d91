export { ARTIFACT_NAME, isArtifactName } from './artifacts.js';
export { type BadgeOptions, renderBadge } from './badge.js';
export { MAX_DURATION_MS } from './bounds.js';
export {
  type AddTestInput,
  createResultsBuilder,
  type FinishOptions,
  type ResultsBuilder,
  type ResultsBuilderOptions,
} from './builder.js';
export { MAX_LINT_RULES, MAX_TESTS, testTally } from './caps.js';
export { CARD_WIDTH, type CardOptions, renderCardSvg } from './card.js';
export {
  type CardFontOptions,
  type CardPngOptions,
  findCardFonts,
  type MissingCardFont,
  renderCardPng,
} from './card-png.js';
export { COMMENT_MARKER, type CommentInput, type CommentLinks, renderComment } from './comment.js';
export {
  ResultsBuilderError,
  ResultsError,
  type ResultsErrorCode,
  type ResultsIssue,
  ResultsSchemaError,
  ResultsVersionError,
} from './errors.js';
export { escapeMarkdown, escapeXml } from './escape.js';
export { type ExampleOptions, exampleResults } from './examples.js';
export { CARD_FONTS } from './fonts.js';
export { type CommitState, level, type RungStatuses, type VerdictInput, verdict } from './level.js';
export {
  clipLive,
  LIVE_LIMITS,
  type LiveEvent,
  type LiveEventInput,
  type LiveLogLevel,
  type LiveParse,
  type LiveState,
  liveState,
  parseLiveBody,
} from './live.js';
export { normalizeResults } from './normalize.js';
export { LEVEL_COLORS, levelColor, STATUS_COLORS, UNKNOWN_COLOR } from './palette.js';
export { type Regression, regressionOf, regressionText } from './regression.js';
export {
  isRungName,
  isRungStatus,
  LEVEL_MEANINGS,
  type Level,
  MAX_LEVEL,
  RUNG_LABELS,
  RUNG_NAMES,
  RUNG_STATUSES,
  type RungName,
  type RungStatus,
} from './rungs.js';
export { RESULTS_SCHEMA_VERSION, resultsSchema } from './schema.js';
export type {
  ArtifactName,
  Artifacts,
  DeployCount,
  FlagName,
  Flags,
  LintDetails,
  LintRule,
  Results,
  RungResult,
  SkipEntry,
  Skips,
  TestResult,
} from './types.js';
export type { ResultsV0, TierV0 } from './v0.js';
export { assertResults, type ValidationOutcome, validateResults } from './validate.js';
export { safeWriteResults, type WriteOutcome } from './write.js';
