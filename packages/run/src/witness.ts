import { randomBytes } from 'node:crypto';
import type { RunCtx } from './context.js';
import { AssertionFailed } from './errors.js';
import { stackServices } from './support/services.js';

/** One witness file: a small unique value in one named volume, reached through one service. */
export interface Witness {
  volume: string;
  service: string;
  path: string;
  value: string;
}

const FILE = '.ccci-witness';

/**
 * Writes a fresh witness into every named volume of the stack (through the first service
 * that mounts it) with `abra app run`. Recipes need no code for this.
 */
export async function writeWitnesses(
  ctx: RunCtx,
  label: string,
  previous?: Witness[],
): Promise<Witness[]> {
  const targets = previous ?? (await witnessTargets(ctx));
  const out: Witness[] = [];
  for (const t of targets) {
    const value = `ccci-${label}-${randomBytes(6).toString('hex')}`;
    await ctx.abra.run({
      domain: ctx.domain,
      service: t.service,
      cmd: ['sh', '-c', 'printf %s "$1" > "$2"', 'sh', value, t.path],
      signal: ctx.signal,
    });
    out.push({ ...t, value });
  }
  return out;
}

async function witnessTargets(ctx: RunCtx): Promise<Omit<Witness, 'value'>[]> {
  const seen = new Set<string>();
  const targets: Omit<Witness, 'value'>[] = [];
  for (const s of await stackServices(ctx.proc, ctx.stack)) {
    for (const v of s.volumes) {
      if (seen.has(v.volume)) continue;
      seen.add(v.volume);
      targets.push({
        volume: v.volume,
        service: s.name,
        path: `${v.target.replace(/\/$/, '')}/${FILE}`,
      });
    }
  }
  return targets;
}

/** Throws AssertionFailed naming each volume whose witness is not the expected value. */
export async function checkWitnesses(
  ctx: RunCtx,
  witnesses: Witness[],
  when: string,
): Promise<void> {
  const wrong: string[] = [];
  for (const w of witnesses) {
    const r = await ctx.abra
      .run({ domain: ctx.domain, service: w.service, cmd: ['cat', w.path], signal: ctx.signal })
      .catch((error: Error) => ({ output: `(unreadable: ${error.message.split('\n')[0]})` }));
    if (!r.output.includes(w.value)) wrong.push(`volume ${w.volume} (${w.path} via ${w.service})`);
  }
  if (wrong.length > 0) {
    throw new AssertionFailed(
      `data written before ${when} is not there afterwards: ${wrong.join(', ')}`,
    );
  }
}
