import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { processAlive as isAlive } from '@ccci/lifetime';
import { HOSTILE_SHELL_WORDS, tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../src/run-process.js';
import { fixture } from './helpers.js';

async function waitForFile(path: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await delay(20);
  }
  return readFileSync(path, 'utf8').trim();
}

const base = {
  env: {},
  terminal: true,
  timeoutMs: 20_000,
  killGraceMs: 500,
  maxOutputChars: 256 * 1024,
};

const tmp = tempDirPerTest('ccci-abra-test-');

describe('runProcess under a terminal', () => {
  it('gives the program a terminal and passes hostile arguments through intact', async () => {
    const hostile = HOSTILE_SHELL_WORDS;
    const outcome = await runProcess({
      ...base,
      argv: [fixture('bin/argv-json.mjs'), ...hostile],
      env: { ABRA_DIR: tmp.path },
    });
    expect(outcome.exitCode).toBe(0);
    const report = JSON.parse(outcome.output.trim());
    expect(report).toMatchObject({ argv: hostile, stdinTty: true, stdoutTty: true });
    expect(report.env.ABRA_DIR).toBe(tmp.path);
    expect(existsSync(join(process.cwd(), 'pwned'))).toBe(false);
  });

  it('quotes for /bin/sh whatever SHELL the caller has (script runs $SHELL -c)', async () => {
    const outcome = await runProcess({
      ...base,
      env: { SHELL: '/usr/bin/fish-that-is-not-here' },
      argv: ['printf', '%s', "it's $(x)"],
    });
    expect(outcome).toMatchObject({ exitCode: 0, output: "it's $(x)" });
  });

  it('gives the terminal a wide window so tables do not wrap', async () => {
    const outcome = await runProcess({ ...base, argv: ['stty', 'size'] });
    expect(outcome.output.trim()).toBe('64 512');
  });

  it('passes the exit code through', async () => {
    const outcome = await runProcess({ ...base, argv: ['sh', '-c', 'echo out; exit 7'] });
    expect(outcome).toMatchObject({ exitCode: 7, timedOut: false, aborted: false });
    expect(outcome.output).toBe('out\n');
  });

  it('streams output as it arrives, before the program ends', async () => {
    const chunks: string[] = [];
    let firstChunkAt = 0;
    const started = Date.now();
    const outcome = await runProcess({
      ...base,
      argv: ['sh', '-c', 'echo first; sleep 1; echo second'],
      onOutput: (chunk) => {
        if (chunks.length === 0) firstChunkAt = Date.now() - started;
        chunks.push(chunk);
      },
    });
    expect(chunks.join('')).toContain('first');
    expect(chunks.join('')).toContain('second');
    expect(firstChunkAt).toBeLessThan(outcome.durationMs - 500);
  });

  it('keeps only the tail of a long output', async () => {
    const outcome = await runProcess({
      ...base,
      maxOutputChars: 1000,
      argv: ['sh', '-c', 'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done'],
    });
    expect(outcome.output.length).toBeLessThanOrEqual(1000);
    expect(outcome.output).toContain('line 1999\n');
    expect(outcome.output).not.toContain('line 1\n');
  });

  it('on timeout kills the whole tree, including a grandchild that ignores SIGTERM and SIGHUP', async () => {
    const seen: string[] = [];
    const outcome = await runProcess({
      ...base,
      argv: [fixture('bin/grandchild.sh')],
      env: { PIDS_DIR: tmp.path },
      timeoutMs: 3000,
      onOutput: (c) => seen.push(c),
    });
    const child = Number(await waitForFile(join(tmp.path, 'child')));
    const grandchild = Number(await waitForFile(join(tmp.path, 'grandchild')));
    expect(seen.join('')).toContain('ready');
    expect(outcome).toMatchObject({ timedOut: true, aborted: false, exitCode: undefined });
    expect(isAlive(child)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
  });

  it('on abort kills the whole tree', async () => {
    const controller = new AbortController();
    const running = runProcess({
      ...base,
      argv: [fixture('bin/grandchild.sh')],
      env: { PIDS_DIR: tmp.path },
      signal: controller.signal,
    });
    const child = Number(await waitForFile(join(tmp.path, 'child')));
    const grandchild = Number(await waitForFile(join(tmp.path, 'grandchild')));
    expect(isAlive(grandchild)).toBe(true);
    controller.abort();
    const outcome = await running;
    expect(outcome).toMatchObject({ aborted: true, timedOut: false });
    expect(isAlive(child)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
  });

  it('does not start at all when the signal is already aborted', async () => {
    const outcome = await runProcess({
      ...base,
      argv: ['sh', '-c', `touch ${join(tmp.path, 'started')}`],
      signal: AbortSignal.abort(),
    });
    expect(outcome.aborted).toBe(true);
    expect(existsSync(join(tmp.path, 'started'))).toBe(false);
  });

  it('reaps what a finished program left running in its session', async () => {
    const outcome = await runProcess({
      ...base,
      argv: [
        'sh',
        '-c',
        `trap '' HUP; (trap '' HUP TERM; echo $(sh -c 'echo $PPID') > ${join(tmp.path, 'left')}; exec sleep 300) & sleep 0.3; echo done`,
      ],
    });
    expect(outcome.exitCode).toBe(0);
    const left = Number(await waitForFile(join(tmp.path, 'left')));
    expect(left).toBeGreaterThan(0);
    expect(isAlive(left)).toBe(false);
  });
});

describe('runProcess without a terminal', () => {
  it('shows why the terminal is needed: the program fails like abra does', async () => {
    const outcome = await runProcess({
      ...base,
      terminal: false,
      argv: [fixture('bin/needs-tty.sh')],
    });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.output).toContain('FATA inappropriate ioctl for device');
  });

  it('the same program succeeds under the terminal', async () => {
    const outcome = await runProcess({ ...base, argv: [fixture('bin/needs-tty.sh')] });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.output).toBe('terminal ok\n');
  });

  it('reports a program that cannot be started', async () => {
    const outcome = await runProcess({
      ...base,
      terminal: false,
      argv: [join(tmp.path, 'no-such-abra')],
    });
    expect(outcome.exitCode).toBe(127);
    expect(outcome.output).toMatch(/No such file/);
  });
});
