import { AbraError } from '@ccci/abra';
import {
  createHookContext,
  type HookContext,
  type HookOp,
  type RecipeHooks,
  type ScreenshotPage,
} from '@ccci/recipe-meta';
import type { RunCtx } from './context.js';
import { depCredentials } from './credentials.js';
import { RefusedError } from './errors.js';
import type { HookArg } from './support/hook-contract.js';
import { HookHost } from './support/hook-host.js';
import { baseUrlOf, httpGet } from './support/http.js';

/** Per-call limits (ms): a hook past its limit is killed with its process. */
const LIMIT_MS: Readonly<Record<string, number>> = {
  READY_PROBE: 60_000,
  SCREENSHOT: 120_000,
  BACKUP_VERIFY: 300_000,
};
const DEFAULT_LIMIT_MS = 600_000;

const hosts = new WeakMap<RunCtx, { host: HookHost; hooks: RecipeHooks }>();

/**
 * Imports the recipe's hooks.ts in its own child process (support/hook-host.ts), before anything
 * is created; a hooks.ts that does not import, or whose exports differ from what the loader
 * checked, refuses the run. `{}` when the recipe has none.
 */
export async function loadHooks(ctx: RunCtx): Promise<RecipeHooks> {
  const known = hosts.get(ctx);
  if (known) return known.hooks;
  const loaded = ctx.loaded?.recipe;
  const analysed = loaded?.hooks;
  if (!loaded || !analysed) return {};
  if (analysed.source === 'repo' && !loaded.files.repoApproved)
    throw new RefusedError(
      `${analysed.file}: the recipe's own hooks.ts is not approved to run (recipes/approved-code.txt)`,
    );
  const host = new HookHost({
    file: analysed.file,
    read: [],
    sandbox: ctx.proc.sandboxHost,
    signal: ctx.signal,
    ...(ctx.config.hookTimeoutMs ? { loadTimeoutMs: ctx.config.hookTimeoutMs } : {}),
    output: (text) => ctx.log.pino.debug({ hook: 'output' }, ctx.redactor.redactString(text)),
  });
  let names: ReadonlySet<string>;
  try {
    names = await host.load();
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    throw new RefusedError(`${analysed.file}: could not be imported: ${(error as Error).message}`);
  }
  const missing = analysed.exports.map((e) => e.name).filter((n) => !names.has(n));
  if (missing.length > 0) {
    host.kill();
    throw new RefusedError(
      `${analysed.file}: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not a function at run time`,
    );
  }
  const hooks: Record<string, unknown> = {};
  for (const e of analysed.exports)
    hooks[e.name] = (...args: unknown[]) => callHook(ctx, host, e.name, args);
  const frozen = Object.freeze(hooks) as RecipeHooks;
  hosts.set(ctx, { host, hooks: frozen });
  return frozen;
}

/** Ends the run's hooks process (its IPC channel would keep the harness alive). */
export function closeHooks(ctx: RunCtx): void {
  hosts.get(ctx)?.host.kill();
}

/** The hooks of the run (imported by {@link loadHooks} at prepare). */
export const recipeHooks = loadHooks;

/** One call: the context and the page become requests the harness serves; data crosses as is. */
async function callHook(
  ctx: RunCtx,
  host: HookHost,
  name: string,
  args: unknown[],
): Promise<unknown> {
  let hookCtx: HookContext | undefined;
  let page: ScreenshotPage | undefined;
  const sent: HookArg[] = args.map((a) => {
    if (isHookContext(a)) {
      hookCtx = a;
      const { domain, baseUrl, meta, deps, op, runId } = a;
      return { $ctx: { domain, baseUrl, meta, deps, op, runId } };
    }
    if (a && typeof a === 'object' && typeof (a as ScreenshotPage).goto === 'function') {
      page = a as ScreenshotPage;
      return { $page: true };
    }
    return { $value: a };
  });
  const limit = ctx.config.hookTimeoutMs ?? LIMIT_MS[name] ?? DEFAULT_LIMIT_MS;
  return host.call(
    name,
    sent,
    {
      log: (level, message, fields) => hookCtx?.log[level](message, fields as never),
      request: async (what) => {
        if (what.kind === 'page') {
          if (!page) throw new Error('no page in this hook');
          const method = page[what.method] as (...a: unknown[]) => unknown;
          await method.apply(page, what.args);
          return { value: undefined, url: page.url() };
        }
        if (!hookCtx) throw new Error('no context in this hook');
        if (what.kind === 'http') {
          const r = await hookCtx.http(what.path, {
            method: what.method,
            ...(what.body !== undefined ? { body: what.body } : {}),
          });
          return { status: r.status, body: await r.text() };
        }
        return hookCtx.exec(what.service, what.argv, what.options);
      },
    },
    limit,
  );
}

function isHookContext(a: unknown): a is HookContext {
  return (
    !!a &&
    typeof a === 'object' &&
    typeof (a as HookContext).exec === 'function' &&
    typeof (a as HookContext).op === 'string'
  );
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
