import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pollUntil } from '@ccci/backoff';

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * How the harness reaches an app: through a gateway (`http://127.0.0.1:port`, requests carry
 * `Host: <domain>` — the testbed's traefik stand-in, or traefik itself), else `https://<domain>`.
 */
export interface HttpTarget {
  gatewayUrl: string | undefined;
  domain: string;
}

export function baseUrlOf(t: HttpTarget): string {
  return t.gatewayUrl ? t.gatewayUrl.replace(/\/$/, '') : `https://${t.domain}`;
}

/**
 * One GET (or other method) to `path` of the app; bodies are cut at 64 KiB. `path` comes from
 * the recipe (settings, hooks): one that resolves to another origin (`//host/x`, `/\\host`,
 * `http://host/`, a tab between the slashes) is refused, never requested: it would make the
 * harness fetch from any host it can reach, with the app's Host header.
 */
export function httpGet(
  t: HttpTarget,
  path: string,
  options: { method?: string; body?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<HttpAnswer> {
  const base = new URL(`${baseUrlOf(t)}/`);
  const url = new URL(path, base);
  if (!path.startsWith('/') || url.origin !== base.origin) {
    return Promise.reject(
      new Error(
        `${JSON.stringify(path.slice(0, 200))} is not a path of the app: give a path starting with a single /`,
      ),
    );
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: { host: t.domain, 'user-agent': 'ccci-harness' },
        timeout: options.timeoutMs ?? 10_000,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          if (body.length < 65_536) body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** traefik's answer when no router matches: the app is not what answered. */
function isProxyFallback(a: HttpAnswer): boolean {
  return a.status === 404 && a.body.trim() === '404 page not found';
}

export interface WaitServingResult {
  ok: boolean;
  last: string;
  ms: number;
}

/**
 * Polls `path` until it answers one of `okStatuses` from the app itself (not the proxy's
 * fallback page), or `timeoutMs` passes. Backs off from 25 ms, doubling, to 500 ms between
 * tries: an app that is about to answer is seen within a few ms.
 */
export async function waitServing(
  t: HttpTarget,
  path: string,
  okStatuses: readonly number[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<WaitServingResult> {
  const started = Date.now();
  let last = 'no answer yet';
  const ok = await pollUntil(
    async () => {
      let a: HttpAnswer;
      try {
        a = await httpGet(t, path, {
          timeoutMs: Math.min(10_000, timeoutMs),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        last = (error as Error).message;
        return false;
      }
      if (isProxyFallback(a)) {
        last = `the proxy's fallback page (404 page not found): no route to the app`;
        return false;
      }
      last = `HTTP ${a.status}`;
      return okStatuses.includes(a.status);
    },
    { timeoutMs, backoff: { firstMs: 25, maxMs: 500 }, signal },
  );
  if (!ok && signal?.aborted) last = 'cancelled';
  return { ok, last, ms: Date.now() - started };
}
