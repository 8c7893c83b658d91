import { AbraError } from '@ccci/abra';
import {
  createHookContext,
  type HookContext,
  type HookOp,
  importHooks,
  type RecipeHooks,
} from '@ccci/recipe-meta';
import type { RunCtx } from './context.js';
import { depCredentials } from './credentials.js';
import { InfraError } from './errors.js';
import { baseUrlOf, httpGet } from './support/http.js';

/** Hooks of the recipe (`hooks.ts`), imported once per run; `{}` when it has none. */
const imported = new WeakMap<RunCtx, RecipeHooks>();

export async function recipeHooks(ctx: RunCtx): Promise<RecipeHooks> {
  const known = imported.get(ctx);
  if (known) return known;
  const loaded = ctx.loaded?.recipe;
  let hooks: RecipeHooks = {};
  if (loaded?.hooks) {
    try {
      hooks = await importHooks(loaded);
    } catch (error) {
      throw new InfraError(`recipe hooks could not be loaded: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  imported.set(ctx, hooks);
  return hooks;
}

/** The one frozen context a hook gets: domain, base URL, meta, deps, op, run id, log, http, exec. */
export function hookContext(ctx: RunCtx, op: HookOp): HookContext {
  const log = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: object) =>
    ctx.log.pino[level]({ hook: op, ...fields }, ctx.redactor.redactString(message));
  return createHookContext({
    domain: ctx.domain,
    baseUrl: baseUrlOf(ctx.http),
    meta: ctx.meta,
    deps: Object.fromEntries(
      ctx.state.deps.map((d) => [
        d.recipe,
        {
          recipe: d.recipe,
          domain: d.domain,
          baseUrl: baseUrlOf({ gatewayUrl: ctx.config.gatewayUrl, domain: d.domain }),
          credentials: depCredentials(ctx, d.recipe),
        },
      ]),
    ),
    op,
    runId: ctx.settings.runId,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    // Reaches the app through the gateway with its Host header, as the harness does.
    http: async (path, init) => {
      const a = await httpGet(ctx.http, path, {
        method: init?.method ?? 'GET',
        ...(typeof init?.body === 'string' ? { body: init.body } : {}),
        signal: ctx.signal,
      });
      return new Response(a.status === 204 || a.status === 304 ? null : a.body, {
        status: a.status,
      });
    },
    exec: async (service, argv, options) => {
      try {
        const r = await ctx.abra.run({
          domain: ctx.domain,
          service,
          cmd: [...argv],
          signal: ctx.signal,
          ...(options?.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        });
        return { exitCode: r.exitCode ?? 0, stdout: r.output, stderr: '' };
      } catch (error) {
        // The command ran and exited non-zero: that is a result for the hook, not an error.
        if (
          error instanceof AbraError &&
          error.code === 'ABRA_UNKNOWN' &&
          error.exitCode !== undefined
        ) {
          return { exitCode: error.exitCode ?? 1, stdout: error.output, stderr: '' };
        }
        throw error;
      }
    },
  });
}

/** Runs a lifecycle pre-hook (`preInstall`, …) when the recipe has one. */
export async function preHook(
  ctx: RunCtx,
  name: 'preInstall' | 'preUpgrade' | 'preBackup' | 'preRestore',
  op: HookOp,
): Promise<void> {
  const hook = (await recipeHooks(ctx))[name];
  if (!hook) return;
  ctx.log.step(op, `hook ${name}`);
  await hook(hookContext(ctx, op));
}
