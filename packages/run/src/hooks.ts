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
import type { HookArg, HookRequest } from './support/hook-contract.js';
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
 * checked, refuses the run. `{}` when the recipe has none. The engine calls it at prepare; later
 * calls return the same hooks.
 */
export async function recipeHooks(ctx: RunCtx): Promise<RecipeHooks> {
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
    // Importing is not a call: a short per-call limit must not fail a slow import on a busy host.
    ...(ctx.config.hookTimeoutMs
      ? { loadTimeoutMs: Math.max(60_000, ctx.config.hookTimeoutMs) }
      : {}),
    // Through the run log's budget for child output (masked there): a hook printing without
    // end must not fill the host's disk.
    output: (text) => ctx.log.output('hooks.ts', text),
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
  let logged = 0;
  return host.call(
    name,
    sent,
    {
      log: (level, message, fields) => {
        // Bounded: a hook that floods its log is cut off, and fields are text, redacted.
        if (!hookCtx || !LOG_LEVELS.has(level) || typeof message !== 'string') return;
        if (++logged > MAX_LOG_LINES) return;
        let extra = '';
        if (fields !== undefined) {
          try {
            extra = ` ${JSON.stringify(fields).slice(0, 2_000)}`;
          } catch {
            extra = ' (fields not serialisable)';
          }
        }
        hookCtx.log[level](`${message.slice(0, 4_000)}${extra}`);
      },
      request: (what) => serve(ctx, hookCtx, page, what),
    },
    limit,
  );
}

const LOG_LEVELS: ReadonlySet<string> = new Set(['debug', 'info', 'warn', 'error']);
const MAX_LOG_LINES = 2_000;
const HTTP_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
]);
const LOAD_STATES: ReadonlySet<unknown> = new Set(['load', 'domcontentloaded', 'networkidle']);

/** A request a hook's process made, checked field by field, then carried out (exported for tests). */
export async function serve(
  ctx: RunCtx,
  hookCtx: HookContext | undefined,
  page: ScreenshotPage | undefined,
  what: HookRequest,
): Promise<unknown> {
  const bad = (why: string): never => {
    throw new Error(`refused: ${why}`);
  };
  const text = (v: unknown, max: number, what: string): string =>
    typeof v === 'string' && v.length <= max
      ? v
      : bad(`${what} must be a string of at most ${max} characters`);
  if (!what || typeof what !== 'object') return bad('not a request');
  if (what.kind === 'page') {
    if (!page) return bad('no page in this hook');
    const args = Array.isArray(what.args) ? what.args : bad('page arguments must be a list');
    const options = pageOptions(args.at(-1), bad);
    switch (what.method) {
      case 'goto': {
        const url = sameApp(text(args[0], 2_048, 'url'), ctx, bad);
        await page.goto(url, options);
        break;
      }
      case 'fill':
        await page.fill(text(args[0], 1_000, 'selector'), text(args[1], 10_000, 'value'), options);
        break;
      case 'click':
        await page.click(text(args[0], 1_000, 'selector'), options);
        break;
      case 'waitForURL': {
        const target = args[0];
        if (!(target instanceof RegExp) && typeof target !== 'string')
          bad('waitForURL takes a string or a RegExp');
        await page.waitForURL(target as string | RegExp, options);
        break;
      }
      case 'waitForLoadState':
        if (args[0] !== undefined && !LOAD_STATES.has(args[0])) bad('unknown load state');
        await page.waitForLoadState(args[0] as 'load' | undefined, options);
        break;
      default:
        return bad(`page.${String(what.method)} is not one a hook may call`);
    }
    return { value: undefined, url: page.url() };
  }
  if (!hookCtx) return bad('no context in this hook');
  if (what.kind === 'http') {
    const method = HTTP_METHODS.has(what.method) ? what.method : bad('unknown HTTP method');
    const path = text(what.path, 2_048, 'path');
    const body = what.body === undefined ? undefined : text(what.body, 1_048_576, 'body');
    const r = await hookCtx.http(path, { method, ...(body !== undefined ? { body } : {}) });
    return { status: r.status, body: (await r.text()).slice(0, 4_194_304) };
  }
  if (what.kind === 'exec') {
    const service = text(what.service, 128, 'service');
    if (!/^[A-Za-z0-9_.-]+$/.test(service)) bad('service must be a compose service name');
    const argv =
      Array.isArray(what.argv) && what.argv.length <= 100
        ? what.argv
        : bad('argv must be a list of at most 100 strings');
    for (const a of argv) text(a, 8_192, 'an argument');
    const o = what.options ?? {};
    const timeoutMs = o.timeoutMs === undefined ? undefined : Number(o.timeoutMs);
    if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs <= 600_000))
      bad('timeoutMs must be 1…600000');
    return hookCtx.exec(service, argv, timeoutMs ? { timeoutMs } : undefined);
  }
  return bad('unknown request');
}

/** Options of a page call: only a timeout and a wait state (nothing that writes a file). */
function pageOptions(
  v: unknown,
  bad: (why: string) => never,
): { timeout?: number; waitUntil?: 'load' } | undefined {
  if (v === null || typeof v !== 'object' || v instanceof RegExp) return undefined;
  const out: { timeout?: number; waitUntil?: 'load' } = {};
  for (const [k, value] of Object.entries(v)) {
    if (k === 'timeout' && typeof value === 'number' && value >= 0 && value <= 120_000)
      out.timeout = value;
    else if (k === 'waitUntil' && (LOAD_STATES.has(value) || value === 'commit'))
      out.waitUntil = value as 'load';
    else bad(`page option ${k} is not allowed`);
  }
  return out;
}

/** A URL of the app itself (http or https on its domain), resolved against the page's base. */
function sameApp(raw: string, ctx: RunCtx, bad: (why: string) => never): string {
  let url: URL;
  try {
    // The browser reaches the app as `http://<domain>` through the gateway, else https.
    url = new URL(raw, ctx.config.gatewayUrl ? `http://${ctx.domain}/` : `https://${ctx.domain}/`);
  } catch {
    return bad('not a URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname !== ctx.domain)
    bad(`goto may only open the app (${ctx.domain}) over http(s)`);
  return url.href;
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
