import { isBranchName } from '@ccci/contracts';

/** Strict patterns for what reaches a Drone pipeline: build parameters become env variables. */
const PARAM_KEY = /^[A-Z][A-Z0-9_]{0,63}$/;
// URLs (clone URL), refs, versions, comma lists, ids. No spaces, quotes, `$` or shell syntax.
const PARAM_VALUE = /^[A-Za-z0-9._:/@+=,~-]{0,512}$/;

/** Validates build parameters; TypeError naming the key, never running anything. */
export function validateBuildParams(
  params: Record<string, string> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (!PARAM_KEY.test(key)) {
      throw new TypeError(
        `params: key ${JSON.stringify(key)} must match ${PARAM_KEY} (upper snake case)`,
      );
    }
    if (key.startsWith('DRONE_') || key === 'CI') {
      throw new TypeError(
        `params: key ${key} is reserved by Drone and cannot be set by a build parameter`,
      );
    }
    if (typeof value !== 'string' || !PARAM_VALUE.test(value)) {
      const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
      throw new TypeError(
        `params.${key}: value must match ${PARAM_VALUE} (no spaces, quotes or shell characters), found ${shown}`,
      );
    }
    out[key] = value;
  }
  return out;
}

export function validateBranch(branch: unknown): string {
  if (!isBranchName(branch)) {
    throw new TypeError(`branch must be a plain git branch name, found ${JSON.stringify(branch)}`);
  }
  return branch;
}
