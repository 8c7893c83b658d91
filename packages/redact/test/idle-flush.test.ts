import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createRedactor } from '@ccci/redact';
import { tsxArgs } from '@ccci/test-support';
import { afterEach, describe, expect, it, vi } from 'vitest';

const SECRET = 'supersecret-123';
const MASK = '[REDACTED]';

function collecting(idleFlushMs: number) {
  const redactor = createRedactor({ secretsDir: false, values: [SECRET], idleFlushMs });
  const stream = redactor.stream();
  const out: string[] = [];
  stream.on('data', (c: Buffer) => out.push(c.toString()));
  return { stream, text: () => out.join('') };
}

/** `collecting`, with setTimeout and clearTimeout faked (the file's afterEach restores them). */
function collectingOnFakeTimers(idleFlushMs: number) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  return collecting(idleFlushMs);
}

/** Lets queued stream events ('data' after a push) run; not a wait for time to pass. */
const settle = () => new Promise<void>((resolve) => process.nextTick(resolve));

/** Moves the fake clock `ms` on, then lets the events that releases run. */
async function advance(ms: number) {
  vi.advanceTimersByTime(ms);
  await settle();
}

describe('idle flush', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes out a held tail after idleFlushMs without input (fake timers)', async () => {
    const { stream, text } = collectingOnFakeTimers(50);
    stream.write('log line: super');
    await settle();
    expect(text()).toBe('log line: ');
    expect(stream.heldBytes).toBe(5);
    await advance(49);
    expect(text()).toBe('log line: ');
    await advance(1);
    expect(text()).toBe('log line: super');
    expect(stream.heldBytes).toBe(0);
    stream.destroy();
  });

  it('restarts the countdown with each input', async () => {
    const { stream, text } = collectingOnFakeTimers(50);
    stream.write('a sup');
    vi.advanceTimersByTime(40);
    stream.write('e');
    await advance(40);
    expect(text()).toBe('a ');
    await advance(10);
    expect(text()).toBe('a supe');
    stream.destroy();
  });

  it('still masks the rest of a secret completed after an idle flush', async () => {
    const { stream, text } = collectingOnFakeTimers(50);
    stream.write('token: supers');
    vi.advanceTimersByTime(50);
    stream.write('ecret-123 done\n');
    stream.end();
    await once(stream, 'end');
    // The prefix was already out when the rest arrived; the rest never is.
    expect(text()).toBe(`token: supers${MASK} done\n`);
  });

  it('writes out a held tail with real timers, without new input', async () => {
    const { stream, text } = collecting(20);
    stream.write('waiting for supersec');
    await settle();
    expect(text()).toBe('waiting for ');
    const started = Date.now();
    await once(stream, 'data');
    expect(text()).toBe('waiting for supersec');
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    stream.destroy();
  });

  it('writes out the held tail at once when the stream ends', async () => {
    const { stream, text } = collecting(60_000);
    stream.write('sup');
    expect(stream.heldBytes).toBe(3);
    stream.end();
    await once(stream, 'end');
    expect(text()).toBe('sup');
  });

  it('does not keep a process alive for a held tail', async () => {
    // A real child whose only pending work is a held tail with a 60 s idle flush: it exits
    // right away because the timer is unref'd.
    const child = spawn(
      process.execPath,
      tsxArgs(join(import.meta.dirname, 'fixtures/held-tail.ts')),
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(stdout).toBe('held 3\n');
  });
});
