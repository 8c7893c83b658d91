import { pollUntil } from '@ccci/backoff';
import type { RunCtx } from '../context.js';

type HealthCtx = Pick<RunCtx, 'proc' | 'stack' | 'signal'>;

/** Per-container health of the stack's running tasks: name → healthy | unhealthy | starting | none. */
async function containerHealth(ctx: HealthCtx): Promise<Map<string, string>> {
  const r = await ctx.proc.run(
    'docker',
    [
      'ps',
      '--filter',
      `label=com.docker.stack.namespace=${ctx.stack}`,
      '--format',
      '{{.Names}}\t{{.Status}}',
    ],
    { quiet: true },
  );
  const out = new Map<string, string>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [name = '', status = ''] = line.split('\t');
    const m = /\((healthy|unhealthy|health: starting)\)/.exec(status);
    out.set(name, m ? (m[1] === 'health: starting' ? 'starting' : (m[1] as string)) : 'none');
  }
  return out;
}

/** Waits until every task is healthy (or has no healthcheck); returns what is not, if anything. */
export async function waitHealthy(ctx: HealthCtx, timeoutMs: number): Promise<string[]> {
  let health = new Map<string, string>();
  let bad: string[] = [];
  // docker ps again after 50 ms, doubling to 500 ms: quick when health is about to settle.
  const settled = await pollUntil(
    async () => {
      health = await containerHealth(ctx);
      bad = [...health]
        .filter(([, h]) => h !== 'healthy' && h !== 'none')
        .map(([n, h]) => `${n}: ${h}`);
      return health.size > 0 && bad.length === 0;
    },
    { timeoutMs, backoff: { firstMs: 50, maxMs: 500 }, signal: ctx.signal },
  );
  if (settled) return [];
  return health.size === 0 ? ['no running task'] : bad;
}
