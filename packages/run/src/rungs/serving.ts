import type { RunCtx } from '../context.js';
import { waitServing } from '../support/http.js';
import { assert } from './runner.js';

/**
 * Waits until the app's HEALTH_PATH answers one of HEALTH_OK (from the app, not the proxy's
 * fallback page) within HTTP_TIMEOUT; otherwise fails the step with
 * `<HEALTH_PATH> <failure> (last: <the last answer>)`.
 */
export async function assertServing(
  ctx: Pick<RunCtx, 'http' | 'meta' | 'signal'>,
  failure: string,
): Promise<void> {
  const { HEALTH_PATH, HEALTH_OK, HTTP_TIMEOUT } = ctx.meta;
  const r = await waitServing(ctx.http, HEALTH_PATH, HEALTH_OK, HTTP_TIMEOUT * 1000, ctx.signal);
  assert(r.ok, `${HEALTH_PATH} ${failure} (last: ${r.last})`);
}
