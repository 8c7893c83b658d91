import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { processAlive as isAlive } from '@ccci/lifetime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InfraError } from '../src/errors.js';
import { CommandError, Proc } from '../src/support/proc.js';

const SECRET = 's3cret-value-0123456789';
const outputs: string[] = [];
const proc = new Proc({
  output: (_label, text) => outputs.push(text),
  mask: (text) => text.replaceAll(SECRET, '[REDACTED]'),
  childTime() {},
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccci-proc-'));
  outputs.length = 0;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function pidIn(path: string): Promise<number> {
  const until = Date.now() + 10_000;
  while (!existsSync(path) || readFileSync(path, 'utf8').trim() === '') {
    if (Date.now() > until) throw new Error(`timed out waiting for ${path}`);
    await delay(20);
  }
  return Number(readFileSync(path, 'utf8').trim());
}

async function failure(run: Promise<unknown>): Promise<CommandError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CommandError);
  return error as CommandError;
}

describe('Proc', () => {
  it('a failed command throws an InfraError that keeps its exit code and masked stderr', async () => {
    const script = `echo "Error: no such volume ${SECRET}" >&2; exit 3`;
    const error = await failure(proc.run('sh', ['-c', script]));
    expect(error).toBeInstanceOf(InfraError);
    expect(error).toMatchObject({
      command: ['sh', '-c', script],
      exitCode: 3,
      stderr: 'Error: no such volume [REDACTED]\n',
      timedOut: false,
      aborted: false,
    });
    expect(error.message).toBe(`sh -c ${script} exited 3: Error: no such volume [REDACTED]`);
  });

  it('keeps only the tail of a long stderr', async () => {
    const error = await failure(
      proc.run('sh', [
        '-c',
        'i=0; while [ $i -lt 2000 ]; do echo "line $i" >&2; i=$((i+1)); done; exit 1',
      ]),
    );
    expect(error.stderr.length).toBeLessThanOrEqual(4096);
    expect(error.stderr.endsWith('line 1999\n')).toBe(true);
  });

  it('allowFailure returns the exit code and output instead', async () => {
    const r = await proc.run('sh', ['-c', 'echo out; echo err >&2; exit 2'], {
      allowFailure: true,
    });
    expect(r).toMatchObject({ exitCode: 2, stdout: 'out\n', stderr: 'err\n' });
  });

  it('at its time limit kills the whole group, grandchild too', async () => {
    const gc = join(dir, 'gc');
    const error = await failure(
      proc.run('sh', ['-c', `sleep 300 & echo $! > ${gc}; wait`], { timeoutMs: 500 }),
    );
    expect(error).toMatchObject({ timedOut: true, exitCode: undefined });
    expect(error.message).toMatch(/timed out after 500 ms$/);
    expect(isAlive(await pidIn(gc))).toBe(false);
  });

  it('on abort (teardown) kills the whole group', async () => {
    const gc = join(dir, 'gc');
    const controller = new AbortController();
    const running = proc.run('sh', ['-c', `sleep 300 & echo $! > ${gc}; wait`], {
      signal: controller.signal,
    });
    const grandchild = await pidIn(gc);
    controller.abort();
    const error = await failure(running);
    expect(error).toMatchObject({ aborted: true, exitCode: undefined });
    expect(isAlive(grandchild)).toBe(false);
  });
});
