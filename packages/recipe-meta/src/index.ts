export { checkAgainstRecipe } from './against-recipe.js';
export { type ApprovalList, readApprovalList } from './approval.js';
export type { FolderFiles, PreviousFiles } from './discover.js';
export { type GeneratedFile, generatedFiles } from './generate.js';
export type {
  Awaitable,
  ComposePolicyException,
  ComposePolicyRule,
  DataKey,
  EnvMap,
  ExpectedNaTarget,
  HookName,
  ReadyProbe,
  RecipeHooks,
  RecipeMeta,
  RecipeMetaInput,
} from './generated/types.js';
export {
  type BackupInfo,
  createHookContext,
  type ExecInService,
  type ExecResult,
  type HookContext,
  type HookLogger,
  type HookOp,
  type ProvisionedDep,
  type ScreenshotPage,
} from './hook-context.js';
export { importHooks } from './hooks-runtime.js';
export { analyseHooks, type HookExport, type HooksAnalysis } from './hooks-static.js';
export {
  defaultMeta,
  type LoadedHooks,
  type LoadedRecipe,
  type LoadRecipeMetaOptions,
  loadRecipeMeta,
  type PreviousSettings,
  type RecipeFiles,
  type Source,
} from './load.js';
export {
  type BuildManifestOptions,
  buildManifest,
  type CustomizationManifest,
  renderManifest,
} from './manifest.js';
export { looksSecret, MASK, maskSecrets } from './mask.js';
export {
  HookImportError,
  HookNotApprovedError,
  MetaError,
  type MetaProblem,
  MetaValidationError,
  PROBLEM_CODES,
  type ProblemCode,
  renderProblem,
} from './problems.js';
export {
  COMPOSE_POLICY_RULES,
  type HookSignature,
  type KeyDefinition,
  PREVIOUS_KEYS,
  type RemovedKey,
  registry,
} from './registry.js';
export { buildJsonSchema } from './schema.js';
export { nearest } from './suggest.js';
export { TreeTooLargeError, treeHash } from './tree-hash.js';
export { PathNotFoundError, type ValidationReport, validateRecipes } from './validate.js';
