import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirPerTest } from '@ccci/test-support';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT_CODES, installLifetimeGuards, OrphanError } from '../src/index.js';

const fixture = join(import.meta.dirname, 'fixtures/guarded.ts');
const started: { kill(signal: NodeJS.Signals): boolean }[] = [];
// Each test's marker and gate files; removed after the afterEach below has killed the fixture.
const tmp = tempDirPerTest('lifetime-');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie is dead
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** A gate file the fixture waits for in its teardown (GATE); `open` writes it. */
function gate(): { path: string; open(): void } {
  const path = join(tmp.path, 'go');
  return { path, open: () => writeFileSync(path, '') };
}

/** Opens the gate, waits for the end: the exit code and the teardown lines. */
async function openAndEnd(
  g: { open(): void },
  child: PromiseLike<{ exitCode?: number | undefined }>,
  lines: () => string[],
): Promise<{ exitCode: number | undefined; teardown: string[] }> {
  g.open();
  const { exitCode } = await child;
  return { exitCode, teardown: lines().filter((l) => l.startsWith('teardown-')) };
}

async function start(env: Record<string, string> = {}) {
  const marker = join(tmp.path, 'marker');
  writeFileSync(marker, '');
  const child = execa('node', ['--conditions=source', '--import', 'tsx', fixture], {
    env: { MARKER: marker, ...env },
    reject: false,
    cwd: join(import.meta.dirname, '..'),
  });
  started.push(child);
  const grandchild = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.then((r) => reject(new Error(`fixture exited early: ${r.exitCode} ${r.stderr}`)), reject);
  });
  const lines = () => readFileSync(marker, 'utf8').split('\n').filter(Boolean);
  return { child, grandchild, lines };
}

afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL');
});

describe('teardown funnel (real processes)', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const)('%s → exit %i, teardown once, grandchild gone', async (sig, code) => {
    const { child, grandchild, lines } = await start();
    expect(alive(grandchild)).toBe(true);
    child.kill(sig);
    const result = await child;
    expect(result.exitCode).toBe(code);
    expect(lines().filter((l) => l.startsWith('teardown-done'))).toEqual([`teardown-done ${sig}`]);
    expect(await until(() => !alive(grandchild))).toBe(true);
  });

  it('a teardown step that can never settle still ends with the signal status, not 0', async () => {
    const { child, lines } = await start({ STALL: '1' });
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(143);
    expect(lines().some((l) => /teardown stalled/.test(l))).toBe(true);
  });

  it('teardown starts only after every registered operation is done', async () => {
    const { child, lines } = await start({ OPERATION: '1' });
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(143);
    const l = lines();
    const done = l.indexOf('operation-done');
    expect(done, l.join('\n')).toBeGreaterThanOrEqual(0);
    expect(done).toBeLessThan(l.indexOf('teardown-start SIGTERM'));
  });

  it('a second SIGTERM during a slow teardown does not interrupt it', async () => {
    const g = gate();
    const { child, lines } = await start({ GATE: g.path });
    child.kill('SIGTERM');
    expect(await until(() => lines().includes('teardown-start SIGTERM'))).toBe(true);
    child.kill('SIGTERM');
    expect(
      await until(() => lines().some((l) => l.startsWith('warn SIGTERM received during teardown'))),
    ).toBe(true);
    child.kill('SIGINT');
    expect(
      await until(() => lines().some((l) => l.startsWith('warn SIGINT received during teardown'))),
    ).toBe(true);
    expect(await openAndEnd(g, child, lines)).toEqual({
      exitCode: 143,
      teardown: ['teardown-start SIGTERM', 'teardown-done SIGTERM'],
    });
  });

  it("a signal during the normal end's teardown makes the status say so (teardown completes)", async () => {
    const g = gate();
    const { child, lines } = await start({ GATE: g.path, DONE_CODE: '5' });
    expect(await until(() => lines().includes('teardown-start done'))).toBe(true);
    child.kill('SIGTERM');
    expect(await until(() => lines().some((l) => l.includes('exit status will be 143')))).toBe(
      true,
    );
    expect(await openAndEnd(g, child, lines)).toEqual({
      exitCode: 143,
      teardown: ['teardown-start done', 'teardown-done done'],
    });
  });

  it("normal end → the work's own code", async () => {
    const { child, lines } = await start({ DONE_CODE: '5' });
    expect((await child).exitCode).toBe(5);
    expect(lines().filter((l) => l.startsWith('teardown-done'))).toEqual(['teardown-done done']);
  });

  it('deadline → exit 124 through the same funnel', async () => {
    const { child, grandchild, lines } = await start({ DEADLINE_MS: '300' });
    const result = await child;
    expect(result.exitCode).toBe(EXIT_CODES.deadline);
    expect(lines().filter((l) => l.startsWith('teardown-'))).toEqual([
      'teardown-start deadline',
      'teardown-done deadline',
    ]);
    expect(await until(() => !alive(grandchild))).toBe(true);
  });

  it('SIGKILL of the parent → the pdeathsig child dies', async () => {
    const { child, grandchild } = await start();
    child.kill('SIGKILL');
    await child;
    expect(await until(() => !alive(grandchild))).toBe(true);
  });
});

describe('orphan refusal', () => {
  it('refuses to start when the parent is pid 1', async () => {
    const marker = join(tmp.path, 'marker');
    // sh starts the fixture in the background and exits at once: the fixture is reparented to
    // pid 1 before it checks.
    await execa(
      'sh',
      [
        '-c',
        'sleep 0.01 & wait; "$@" & exit 0',
        'sh',
        'node',
        '--conditions=source',
        '--import',
        'tsx',
        fixture,
      ],
      {
        env: { MARKER: marker },
        cwd: join(import.meta.dirname, '..'),
      },
    );
    expect(
      await until(() => {
        try {
          return readFileSync(marker, 'utf8').startsWith('refused');
        } catch {
          return false;
        }
      }),
    ).toBe(true);
    expect(readFileSync(marker, 'utf8')).toMatch(
      /^refused LIFETIME_ORPHAN refusing to start: this process is an orphan/,
    );
  });

  it('throws OrphanError in-process for a dead parent unless allowed', () => {
    const opts = { deadlineMs: 1000, onShutdown: async () => {}, exit: () => {} };
    expect(() => installLifetimeGuards({ ...opts, parentPid: 1 })).toThrow(OrphanError);
    const g = installLifetimeGuards({ ...opts, parentPid: 1, allowOrphan: true });
    g.dispose();
  });

  it('validates its options', () => {
    expect(() => installLifetimeGuards({ deadlineMs: 0, onShutdown: async () => {} })).toThrow(
      /deadlineMs must be a positive number, got 0/,
    );
  });
});

describe('shutdown("done")', () => {
  it('runs teardown once and exits with the work code; signals afterwards are ignored', async () => {
    const calls: string[] = [];
    const codes: number[] = [];
    const g = installLifetimeGuards({
      deadlineMs: 60_000,
      onShutdown: async (r) => {
        calls.push(r);
      },
      log: { warn: (_fields, m) => calls.push(`warn ${m}`) },
      exit: (c) => codes.push(c),
    });
    await Promise.all([g.shutdown('done', 7), g.shutdown('SIGTERM')]);
    expect(g.signal.aborted).toBe(true);
    expect(calls).toEqual(['done']);
    expect(codes).toEqual([7]);
    g.dispose();
  });
});
