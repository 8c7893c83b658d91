import type { Log } from '@ccci/contracts';
import { isBranchName, isRepoFullName } from '@ccci/contracts';
import type { Drone } from '@ccci/forge';
import type { DispatchRequest, Executor, ExecutorEvents } from './executor.js';

export interface DroneExecutorOptions {
  /** A client from `createDrone` (holds the Drone token). Required. */
  drone: Drone;
  /**
   * The operator-owned Drone repository whose pipeline runs the harness, `owner/name`. Required.
   * Never the recipe repository: Drone reads `.drone.yml` from the commit it builds, so building
   * a PR's commit would run whatever pipeline the PR author wrote on the host.
   */
  repo: string;
  /** Branch of `repo` whose tip (the operator's `.drone.yml`) builds every run. Default `main`. */
  branch?: string;
  log?: Log;
}

const TERMINAL = new Set([
  'success',
  'failure',
  'killed',
  'error',
  'skipped',
  'declined',
  'blocked',
]);

/** The build parameters a Drone pipeline receives as environment variables. */
function droneParams(r: DispatchRequest): Record<string, string> {
  return {
    RECIPE: r.recipe,
    PR: r.pr === null ? '' : String(r.pr),
    // REF is the head commit too, so the harness pins exactly the commit the bot acknowledged
    // (a branch name could move between `!testme` and the clone).
    REF: r.headSha,
    SHA: r.headSha,
    SRC: r.src,
    STAGES: r.stages?.join(',') ?? '',
    QUICK: r.quick ? 'true' : 'false',
    // Minutes a failed run's app stays deployed (`!testme keep`); empty: removed at once.
    KEEP_ON_FAILURE: r.keepMinutes === null ? '' : String(r.keepMinutes),
    RUN_ID: r.runId,
    // Named as harness-runner reads them, so the pipeline needs no mapping. The key is
    // run-scoped: it can only report this one run, and stops working once the run is done.
    CCCI_REPORT_URL: r.reportUrl,
    CCCI_REPORT_KEY: r.reportKey,
  };
}

/**
 * Production executor: one Drone custom build per run. Drone's runner capacity is `MAX_TESTS`
 * and Drone queues the rest. The forge token never enters the pipeline; only the run key does.
 */
export function createDroneExecutor(options: DroneExecutorOptions): Executor {
  const { drone } = options;
  if (!isRepoFullName(options.repo)) {
    throw new TypeError(
      `createDroneExecutor: options.repo must be the operator's pipeline repository owner/name, found ${JSON.stringify(options.repo)}`,
    );
  }
  const branch = options.branch ?? 'main';
  if (!isBranchName(branch)) {
    throw new TypeError(
      `createDroneExecutor: options.branch must be a branch name, found ${JSON.stringify(branch)}`,
    );
  }
  const repo = options.repo;
  const log = options.log ?? {};
  let events: ExecutorEvents | undefined;
  const started = new Set<string>();

  return {
    name: 'drone',
    durable: true,
    async dispatch(request) {
      // No `commit`: Drone builds the tip of the operator's branch, never the PR's own
      // `.drone.yml`. The PR head travels as the SHA/REF parameters the harness checks out.
      const build = await drone.createBuild({ repo, branch, params: droneParams(request) });
      return { ref: `${repo}#${build.number}` };
    },
    async cancel(_runId, ref) {
      const m = ref ? /^(.+)#(\d+)$/.exec(ref) : null;
      if (!m) return;
      await drone.cancelBuild(m[1] as string, Number(m[2]));
    },
    async lookup() {
      // Drone offers no lookup by build parameter in the client: the bot cannot tell whether a
      // build it was creating when it stopped exists, and must not start a second one.
      return { kind: 'unknown', reason: 'Drone cannot be asked whether the build was created' };
    },
    async poll(runs) {
      for (const { runId, ref } of runs) {
        const m = /^(.+)#(\d+)$/.exec(ref);
        if (!m) continue;
        try {
          const build = await drone.getBuild(m[1] as string, Number(m[2]));
          if (build.status === 'running' && !started.has(runId)) {
            started.add(runId);
            events?.started(runId);
          } else if (TERMINAL.has(build.status)) {
            started.delete(runId);
            events?.exited(runId, `Drone build ${m[2]} ended: ${build.status}`);
          }
        } catch (error) {
          log.warn?.(
            { runId, err: (error as Error).message },
            'drone status check failed; will retry',
          );
        }
      }
    },
    setEvents(e) {
      events = e;
    },
    async close() {},
  };
}
