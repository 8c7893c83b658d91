/**
 * Variables of the harness's environment that no child (abra, docker, git, Chromium, recipe
 * code) may see: the run-scoped report key and the file it came from (config.ts reads them
 * once, before the run starts).
 */
const HARNESS_ONLY = new Set(['CCCI_REPORT_KEY', 'CCCI_REPORT_KEY_FILE']);

/**
 * The environment every child of a run starts from: the harness's `env` without its own
 * secrets, and the run's temporary folder as TMPDIR (a run killed with SIGKILL leaves its
 * children's temporary files where the janitor removes the run's folder). The harness's own
 * `process.env` is never changed.
 */
export function runChildEnv(
  env: Readonly<Record<string, string | undefined>>,
  tmpDir: string,
): Record<string, string> {
  const child: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    if (v !== undefined && !HARNESS_ONLY.has(k)) child[k] = v;
  child['TMPDIR'] = tmpDir;
  return child;
}
