export { ARTIFACT_NAME, isArtifactName } from './artifacts.js';
export { renderBadge } from './badge.js';
export { type AddTestInput, createResultsBuilder } from './builder.js';
export { MAX_TESTS } from './caps.js';
export { renderCardSvg } from './card.js';
export { renderCardPng } from './card-png.js';
export { COMMENT_MARKER, renderComment } from './comment.js';
export { escapeMarkdown, escapeXml } from './escape.js';
export { exampleResults } from './examples.js';
export { level, verdict } from './level.js';
export {
  clipLive,
  LIVE_LIMITS,
  LIVE_PHASE,
  type LiveEvent,
  type LiveEventInput,
  type LiveState,
  liveState,
  parseLiveBody,
} from './live.js';
export { normalizeResults } from './normalize.js';
export { LEVEL_COLORS, UNKNOWN_COLOR } from './palette.js';
export { regressionOf, regressionText } from './regression.js';
export { type Level, RUNG_LABELS } from './rungs.js';
export { dropTerminalEscapes, markHidden, visibleText } from './text.js';
export type { Results } from './types.js';
export { validateResults } from './validate.js';
export { safeWriteResults } from './write.js';
