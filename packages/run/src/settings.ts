import type { RungName } from '@ccci/contracts';

export type { RungName };

/**
 * What one run is about; harness-runner reads it from its command line or the executor's (Drone's)
 * build parameters.
 */
export interface RunSettings {
  recipe: string;
  /** Branch name or commit SHA the run was asked for (shown in results). */
  ref: string;
  /** Head commit to check out when the executor knows it (Drone `SHA`); else `ref` is fetched. */
  sha: string | undefined;
  /** Clone URL or absolute path of the recipe repository. */
  src: string;
  pr: number | undefined;
  /** Rungs to run; the others are reported `unver` "not selected". */
  stages: RungName[];
  quick: boolean;
  runId: string;
  /**
   * `--keep-on-failure <minutes>` (`!testme keep`): a run that fails leaves its app deployed this
   * long for debugging, under a keep lease the janitor honours. Undefined: torn down at once.
   */
  keepOnFailureMin: number | undefined;
}
