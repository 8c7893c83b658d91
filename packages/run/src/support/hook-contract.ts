/**
 * The contract between the harness and its hook child (`hook-child.ts`): messages over the Node
 * IPC channel (advanced serialization, so a RegExp given to `page.waitForURL` travels).
 * Recipe code runs only in the child; everything a hook may do to the world (log, http, exec in
 * a service, drive the screenshot page) is a request the harness carries out for it.
 */

/** The data half of a HookContext; its functions become requests. */
export interface HookCtxData {
  domain: string;
  baseUrl: string;
  meta: unknown;
  deps: Record<string, unknown>;
  op: string;
  runId: string;
}

/** An argument of a hook call: the context, the screenshot page, or plain data. */
export type HookArg = { $ctx: HookCtxData } | { $page: true } | { $value: unknown };

export type ToChild =
  | { t: 'load'; file: string }
  | { t: 'call'; id: number; name: string; args: HookArg[] }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; message: string };

export type FromChild =
  | { t: 'loaded'; names: string[] }
  | { t: 'load-failed'; message: string }
  | { t: 'done'; id: number; ok: true; value: unknown }
  | { t: 'done'; id: number; ok: false; message: string }
  | { t: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields?: unknown }
  | { t: 'request'; id: number; call: number; what: HookRequest };

/** What a hook asks the harness to do for it. */
export type HookRequest =
  | { kind: 'http'; path: string; method: string; body?: string }
  | {
      kind: 'exec';
      service: string;
      argv: string[];
      options?: { timeoutMs?: number; input?: string };
    }
  | { kind: 'page'; method: (typeof PAGE_METHODS)[number]; args: unknown[] };

/** The slice of a Playwright page a SCREENSHOT hook may drive (ScreenshotPage). */
export const PAGE_METHODS = [
  'goto',
  'fill',
  'click',
  'waitForURL',
  'waitForLoadState',
  'url',
] as const;

/** An http answer as it crosses the channel. */
export interface HttpAnswer {
  status: number;
  body: string;
}
