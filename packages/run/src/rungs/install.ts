import { connect } from 'node:net';
import { pollUntil } from '@ccci/backoff';
import type { RunCtx } from '../context.js';
import { AssertionFailed } from '../errors.js';
import { hookContext, recipeHooks } from '../hooks.js';
import { runTestOverlays } from '../overlays.js';
import { deployApp } from '../phases/deploy.js';
import { waitHealthy } from '../support/health.js';
import { waitServing } from '../support/http.js';
import type { ReadyProbe } from '../support/meta.js';
import { takeScreenshot, warmScreenshot } from '../support/screenshot.js';
import { stackReplicas } from '../support/services.js';
import { assert, runRung } from './runner.js';
import { assertServing } from './serving.js';

/**
 * Rung 1: the single base deploy, then converged, every service healthy, HEALTH_PATH answers
 * HEALTH_OK within HTTP_TIMEOUT from the app (not the proxy's fallback page), READY_PROBEs.
 */
export function installRung(ctx: RunCtx, baseVersion: string | undefined) {
  return runRung(ctx, 'install', async (steps) => {
    // Chromium starts while the deploy runs; the funnel closes it if the rung ends early.
    if (ctx.meta.SCREENSHOT !== false) warmScreenshot(ctx);
    await steps.check('deploy', () => deployApp(ctx, baseVersion));
    await steps.check('converged', async () => {
      // abra must see the app; the replica counts come from the swarm itself: real abra's
      // `app ps` lists containers (SERVICE, IMAGE, CREATED, STATUS, STATE, PORTS), no REPLICAS.
      const { services } = await ctx.abra.ps({ domain: ctx.domain, signal: ctx.signal });
      assert(services.length > 0, 'abra app ps lists no service of the app');
      const swarm = await stackReplicas(ctx.proc, ctx.stack, ctx.signal);
      assert(swarm.length > 0, 'no service of the app is on the swarm');
      const short = swarm.filter((s) => !s.converged);
      assert(
        short.length === 0,
        `not converged: ${short.map((s) => `${s.name} ${s.replicas || '?'}`).join(', ')}`,
      );
    });
    await steps.check('healthy', async () => {
      const bad = await waitHealthy(ctx, ctx.meta.HTTP_TIMEOUT * 1000);
      assert(bad.length === 0, `not healthy: ${bad.join(', ')}`);
    });
    const httpNa = (ctx.meta.EXPECTED_NA as Readonly<Record<string, string>>)['http_health'];
    if (httpNa !== undefined && ctx.meta.READY_PROBE.length === 0) {
      throw new AssertionFailed(
        'EXPECTED_NA http_health needs a READY_PROBE to show the app is ready',
      );
    }
    if (httpNa === undefined)
      await steps.check(`serving ${ctx.meta.HEALTH_PATH}`, () =>
        assertServing(
          ctx,
          `did not answer ${ctx.meta.HEALTH_OK.join('/')} within ${ctx.meta.HTTP_TIMEOUT}s`,
        ),
      );
    for (const [i, probe] of ctx.meta.READY_PROBE.entries()) {
      await steps.check(`READY_PROBE ${i + 1}`, () => readyProbe(ctx, probe));
    }
    const readyHook = (await recipeHooks(ctx)).READY_PROBE;
    if (readyHook) {
      await steps.check('READY_PROBE hook', async () => {
        const ready = await pollUntil(() => readyHook(hookContext(ctx, 'install')), {
          timeoutMs: ctx.meta.HTTP_TIMEOUT * 1000,
          backoff: { firstMs: 500, factor: 1 },
          signal: ctx.signal,
        });
        assert(ready, `READY_PROBE hook not ready within ${ctx.meta.HTTP_TIMEOUT}s`);
      });
    }
    await runTestOverlays(ctx, steps, 'install');
    if (ctx.meta.SCREENSHOT !== false) {
      ctx.log.step('install', 'screenshot');
      // With an upgrade to come this shows the base; the upgrade takes the head's.
      ctx.state.screenshot = await takeScreenshot(ctx, { keepOpen: baseVersion !== undefined })
        .then((file) => {
          ctx.state.screenshotOf = baseVersion ?? 'head';
          return file;
        })
        .catch((error: Error) => {
          ctx.log.warn(`screenshot not taken: ${error.message.split('\n')[0]}`);
          return undefined;
        });
    }
  });
}

async function readyProbe(ctx: RunCtx, probe: ReadyProbe): Promise<void> {
  const timeoutMs = ctx.meta.HTTP_TIMEOUT * 1000;
  if (probe.http !== undefined) {
    const r = await waitServing(
      ctx.http,
      probe.http,
      probe.status ?? ctx.meta.HEALTH_OK,
      timeoutMs,
      ctx.signal,
    );
    assert(r.ok, `READY_PROBE http ${probe.http}: ${r.last}`);
    return;
  }
  // tcp: `stable` consecutive successful connects to the port on the app's host.
  const port = probe.tcp;
  assert(port !== undefined, 'READY_PROBE: a probe needs http or tcp');
  const host = ctx.config.gatewayUrl ? new URL(ctx.config.gatewayUrl).hostname : ctx.domain;
  const want = probe.stable ?? 1;
  let ok = 0;
  const stable = await pollUntil(
    async () => {
      const up = await new Promise<boolean>((resolve) => {
        const s = connect({ host, port, timeout: 2000 }, () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
        s.on('timeout', () => {
          s.destroy();
          resolve(false);
        });
      });
      ok = up ? ok + 1 : 0;
      return ok >= want;
    },
    { timeoutMs, backoff: { firstMs: 250, factor: 1 }, signal: ctx.signal },
  );
  assert(
    stable,
    `READY_PROBE tcp ${port}: not ${want}× reachable within ${ctx.meta.HTTP_TIMEOUT}s`,
  );
}
