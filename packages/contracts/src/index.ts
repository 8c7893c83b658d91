export { CcciError } from './errors.js';
export { CHROMIUM_FLAGS, DRONE_BUILD_STATUSES, type DroneBuildStatus } from './external.js';
export { type FullLog, fullLog, type Log, type LogFields } from './log.js';
export {
  BRANCH_NAME,
  BRANCH_NAME_EXAMPLES,
  FORGE_LOGIN,
  isBranchName,
  isRecipeName,
  isRepoFullName,
  RECIPE_NAME,
  RECIPE_NAME_EXAMPLES,
  RECIPE_NAME_PART,
  RECIPE_NAME_RULE,
  RECIPE_NAME_SOURCE,
  REPO_FULL_NAME,
} from './names.js';
export {
  isRungName,
  isRungStatus,
  RUNG_NAMES,
  RUNG_STATUSES,
  type RungName,
  type RungStatus,
} from './rungs.js';
