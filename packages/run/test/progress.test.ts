import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Progress } from '../src/support/progress.js';

function sink(tty: boolean) {
  let text = '';
  const out = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        text += chunk.toString();
        done();
      },
    }),
    { isTTY: tty },
  );
  return { out, text: () => text };
}

describe('Progress', () => {
  it('CI logs: plain timestamped lines, no terminal codes', () => {
    const s = sink(false);
    const p = new Progress(s.out, () => new Date('2026-11-22T04:00:00.000Z'));
    p.step('install', 'deploy 1.0.0+1.0');
    p.line('install: pass (3.0s)');
    p.stop();
    expect(s.text()).toBe(
      '2026-11-22T04:00:00.000Z install: deploy 1.0.0+1.0\n2026-11-22T04:00:00.000Z install: pass (3.0s)\n',
    );
  });

  it('terminal: the current rung and step with elapsed time, redrawn in place', () => {
    const s = sink(true);
    const p = new Progress(s.out);
    p.step('upgrade', 'redeploy → head');
    p.stop();
    expect(s.text()).toMatch(/\r\x1b\[2K▸ upgrade · redeploy → head · 0s \(run 0s\)/);
    expect(s.text()).not.toMatch(/^\d{4}-/);
  });

  it('recipe text cannot draw a line of ours or move the cursor: one line in, one line out', () => {
    const s = sink(false);
    const p = new Progress(s.out, () => new Date('2026-11-22T04:00:00.000Z'));
    p.line('functional: x\n2026-11-22T04:00:01.000Z lint: pass\rok\x1b[2K\u2028done failed');
    p.block('level 1\nfunctional: evil\x1b]0;title\x07\n');
    p.stop();
    const lines = s.text().split('\n');
    expect(lines).toEqual([
      '2026-11-22T04:00:00.000Z functional: x\u24242026-11-22T04:00:01.000Z lint: pass\u2424ok\ufffd[2K\u2424done failed',
      'level 1',
      'functional: evil\ufffd]0;title\ufffd',
      '',
    ]);
    expect(s.text()).not.toMatch(/[\r\x1b\x07\u2028]/);
  });
});
