/**
 * The contract between the harness and its hook child (`hook-child.ts`): messages over
 * descriptor 3 as JSON lines (bounded, parsed by each side itself; a RegExp given to
 * `page.waitForURL` travels as `{ $re: [source, flags] }`).
 * Recipe code runs only in the child; everything a hook may do to the world (log, http, exec in
 * a service, drive the screenshot page) is a request the harness carries out for it.
 */

/** The data half of a HookContext; its functions become requests. */
interface HookCtxData {
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

/** Longest message line either side reads (a longer one ends the channel). */
export const MAX_LINE = 8 * 1024 * 1024;

/** One message as a JSON line; a RegExp travels as `{ $re: [source, flags] }`. */
export function encode(m: unknown): string {
  return `${JSON.stringify(m, (_k, v: unknown) => (v instanceof RegExp ? { $re: [v.source, v.flags] } : v))}\n`;
}

/** A JSON line back into a message; throws on anything that is not JSON. */
export function decode(line: string): unknown {
  return JSON.parse(line, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const re = (v as { $re?: unknown }).$re;
      if (Array.isArray(re) && typeof re[0] === 'string' && typeof re[1] === 'string')
        return new RegExp(re[0], re[1]);
    }
    return v;
  });
}

/**
 * Splits a byte stream into lines, each handed to `onLine`; `onOverflow` when a line passes
 * {@link MAX_LINE} (the reader stops).
 */
export function lineReader(
  onLine: (line: string) => void,
  onOverflow: () => void,
): (chunk: Buffer) => void {
  let pending = '';
  let stopped = false;
  return (chunk) => {
    if (stopped) return;
    pending += chunk.toString('utf8');
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      onLine(line);
      nl = pending.indexOf('\n');
    }
    if (pending.length > MAX_LINE) {
      stopped = true;
      pending = '';
      onOverflow();
    }
  };
}
