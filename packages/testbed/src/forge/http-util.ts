import type { IncomingMessage, ServerResponse } from 'node:http';
import { CcciError } from '@ccci/contracts';
import type { FaultSpec } from './faults.js';

/** A request body over the fake's limit: answered 413. */
export class BodyTooLarge extends CcciError<'TESTBED_BODY_TOO_LARGE'> {
  constructor(message: string) {
    super('TESTBED_BODY_TOO_LARGE', message);
  }
}

export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge(`body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json;charset=utf-8' }),
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Sleeps unless the request goes away or the server closes first. */
function delay(ms: number, req: IncomingMessage, closing: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      req.socket.off('close', done);
      closing.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    req.socket.once('close', done);
    closing.addEventListener('abort', done, { once: true });
  });
}

/**
 * Applies an injected fault. Returns true when the fault answered (or killed) the request,
 * false when the request should now be handled normally (`slow`).
 */
export async function applyFault(
  fault: FaultSpec,
  req: IncomingMessage,
  res: ServerResponse,
  closing: AbortSignal,
): Promise<boolean> {
  switch (fault.kind) {
    case '5xx':
      sendJson(res, fault.status ?? 503, { message: 'injected server error' });
      return true;
    case '429': {
      const headers: Record<string, string> =
        fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
      sendJson(res, 429, { message: 'injected rate limit' }, headers);
      return true;
    }
    case 'malformed': {
      const text = '{"id": 12, "body": "trunc';
      res.writeHead(200, {
        'content-type': 'application/json;charset=utf-8',
        'content-length': String(text.length),
      });
      res.end(text);
      return true;
    }
    case 'reset':
      req.socket.destroy();
      return true;
    case 'slow':
      await delay(fault.ms ?? 2000, req, closing);
      return req.socket.destroyed || closing.aborted;
    case 'late-answer':
      // Delayed by the handler once it has read the body (fake-forge.ts).
      return false;
  }
}

export function parseQuery(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) out[k] = v;
  return out;
}
