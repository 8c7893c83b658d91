import { dirname } from 'node:path';
import type { RunCtx } from './context.js';
import { depEnv } from './overlays.js';
import type { ProcResult } from './support/proc.js';
import { handOver } from './support/sandbox.js';

export interface RecipeCodeOptions {
  /** The recipe code's folder: its working directory, readable with everything in it. */
  cwd: string;
  /** What its contract gives it, besides each dep's domain, URL and credential files. */
  env: Record<string, string>;
  /** Run-owned paths it may write (a secrets folder it fills, the app env file). */
  write?: readonly string[];
  /** Other paths it may read. */
  read?: readonly string[];
  timeoutMs: number;
}

/**
 * Runs recipe-supplied code (install steps, test overlays, functional tests) the one way: in the
 * sandbox (support/sandbox.ts), seeing only its folder, the dep credential files and what its
 * contract names, with only the environment its contract gives it; a non-zero exit is returned.
 */
export async function runRecipeCode(
  ctx: RunCtx,
  cmd: string,
  args: readonly string[],
  o: RecipeCodeOptions,
): Promise<ProcResult> {
  const deps = depEnv(ctx);
  const credentialFiles = Object.entries(deps)
    .filter(([k]) => k.endsWith('_FILE'))
    .map(([, v]) => v);
  const write = o.write ?? [];
  const host = ctx.proc.sandboxHost;
  // A root harness hands the run's own files the code needs to the unprivileged user.
  if (host) handOver(host, [...write, ...credentialFiles.map((f) => dirname(f))]);
  return ctx.proc.run(cmd, args, {
    cwd: o.cwd,
    env: { ...o.env, ...deps },
    sandbox: { read: [o.cwd, ...credentialFiles, ...(o.read ?? [])], write },
    isolatedEnv: true,
    timeoutMs: o.timeoutMs,
    allowFailure: true,
    signal: ctx.signal,
  });
}
