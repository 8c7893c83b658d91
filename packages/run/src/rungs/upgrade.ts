import { setEnvValues } from '@ccci/abra';
import type { RunCtx } from '../context.js';
import { hookContext, preHook, recipeHooks } from '../hooks.js';
import { runTestOverlays } from '../overlays.js';
import { appEnv } from '../phases/deploy.js';
import { useHeadSettings } from '../previous.js';
import { checkoutDetached } from '../support/git.js';
import { takeScreenshot } from '../support/screenshot.js';
import { deployedVersion, stackServices } from '../support/services.js';
import { checkWitnesses, writeWitnesses } from '../witness.js';
import { assert, runRung, SkipRung } from './runner.js';
import { assertServing } from './serving.js';

/**
 * Rung 2: witness data into every named volume, redeploy in place to the head (chaos, not a
 * new deploy), then: the version label is the head, serving again, the witnesses are there.
 */
export function upgradeRung(ctx: RunCtx) {
  return runRung(ctx, 'upgrade', async (steps) => {
    const base = ctx.state.base;
    if (!base?.version) throw new SkipRung(base?.note ?? 'no upgrade base');
    const clone = ctx.clone;
    assert(clone, 'no clone');
    let witnesses: Awaited<ReturnType<typeof writeWitnesses>> = [];
    await steps.check('witness data', async () => {
      witnesses = await writeWitnesses(ctx, 'upgrade');
    });
    await steps.check(`redeploy ${base.version} → head`, async () => {
      await preHook(ctx, 'preUpgrade', 'upgrade');
      await checkoutDetached(ctx.proc, ctx.recipeDir, clone.headSha);
      // An older base may have deployed with previous/'s settings: the head's apply now.
      await useHeadSettings(ctx, async (withHook) => {
        const extra = withHook ? (await recipeHooks(ctx)).EXTRA_ENV : undefined;
        return { ...appEnv(ctx), ...(extra ? await extra(hookContext(ctx, 'upgrade')) : {}) };
      });
      const hook = (await recipeHooks(ctx)).UPGRADE_EXTRA_ENV;
      if (hook) setEnvValues(ctx.envFile, await hook(hookContext(ctx, 'upgrade')));
      if (Object.keys(ctx.meta.UPGRADE_EXTRA_ENV).length > 0)
        setEnvValues(ctx.envFile, ctx.meta.UPGRADE_EXTRA_ENV);
      await ctx.abraUncounted.deploy({
        domain: ctx.domain,
        chaos: true,
        force: true,
        noDomainChecks: true,
        timeoutSec: ctx.meta.DEPLOY_TIMEOUT,
        signal: ctx.signal,
      });
      ctx.state.deployedVersion = clone.headSha;
    });
    await steps.check('version is the head', async () => {
      const label = deployedVersion(await stackServices(ctx.proc, ctx.stack), ctx.stack);
      const isHead =
        label !== undefined &&
        (clone.headTags.includes(label) ||
          (label.length >= 7 && clone.headSha.startsWith(label.replace(/\+U$/, ''))));
      assert(
        isHead,
        `deployed version label is ${label ?? '(none)'}, expected the head ${clone.headTags[0] ?? clone.headSha.slice(0, 8)}`,
      );
    });
    await steps.check('serving again', () => assertServing(ctx, 'not serving after the upgrade'));
    if (witnesses.length > 0) {
      await steps.check('data still there', () => checkWitnesses(ctx, witnesses, 'the upgrade'));
    }
    await runTestOverlays(ctx, steps, 'upgrade');
    // The card shows what the pull request makes: the head, now it is deployed and serving.
    if (ctx.meta.SCREENSHOT !== false) {
      ctx.log.step('upgrade', 'screenshot');
      const shot = await takeScreenshot(ctx).catch((error: Error) => {
        ctx.log.warn(`screenshot of the head not taken: ${error.message.split('\n')[0]}`);
        return undefined;
      });
      if (shot) {
        ctx.state.screenshot = shot;
        ctx.state.screenshotOf = 'head';
      }
    }
  });
}
