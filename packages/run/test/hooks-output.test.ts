// A hook's own output (console.log, stdout) is child output: the run log keeps its budget of it.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createRedactor } from '@ccci/redact';
import { tempDirPerTest } from '@ccci/test-support';
import { expect, it, vi } from 'vitest';
import type { RunCtx } from '../src/context.js';
import { closeHooks, recipeHooks } from '../src/hooks.js';
import { createRunLog } from '../src/support/log.js';
import { Progress } from '../src/support/progress.js';

const tmp = tempDirPerTest('ccci-hooks-output-');
const FILE = join(import.meta.dirname, 'fixtures', 'hooks', 'noisy.ts');

it('a hook printing without end does not grow the run log past its budget', async () => {
  const redactor = createRedactor({ secretsDir: false });
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const log = createRunLog(join(tmp.path, 'run.log'), redactor, new Progress(sink));
  // What the hook printed, as it reaches the log (16 MiB in all).
  let received = 0;
  const output = log.output.bind(log);
  log.output = (source, text) => {
    if (source === 'hooks.ts') received += text.length;
    output(source, text);
  };
  const ctx = {
    loaded: {
      recipe: {
        hooks: { source: 'enrolment', file: FILE, exports: [{ name: 'preInstall' }] },
        files: { repoApproved: false },
      },
    },
    proc: { sandboxHost: undefined },
    signal: new AbortController().signal,
    config: {},
    log,
    redactor,
  } as unknown as RunCtx;
  try {
    await recipeHooks(ctx);
    // Its output arrives on its own pipe: wait until all of it has come in.
    await vi.waitFor(() => expect(received).toBe(16 * 1024 * 1024), { timeout: 50_000 });
  } finally {
    closeHooks(ctx);
  }
  await log.close();
  expect(statSync(log.file).size).toBeLessThan(12 * 1024 * 1024);
  expect(readFileSync(log.file, 'utf8')).toMatch(/hooks\.ts: \d+ characters of output past/);
}, 60_000);
