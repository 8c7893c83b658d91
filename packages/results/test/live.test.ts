import { describe, expect, it } from 'vitest';
import { LIVE_LIMITS, liveState, parseLiveBody } from '../src/index.js';

const at = '2026-12-02T10:00:00.000Z';
const ok = (events: unknown[]) => parseLiveBody({ run_id: 'r1', events }, 'r1');

describe('parseLiveBody', () => {
  it('accepts the three kinds and cuts long text instead of refusing it', () => {
    const long = 'x'.repeat(LIVE_LIMITS.text + 50);
    const r = ok([
      { seq: 1, at, kind: 'step', phase: 'install', step: 'deploy' },
      { seq: 2, at, kind: 'rung', rung: 'install', status: 'pass', reason: '' },
      { seq: 3, at, kind: 'log', level: 'warn', text: long },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events).toHaveLength(3);
    const line = r.events[2];
    expect(line?.kind === 'log' && line.text.length).toBe(LIVE_LIMITS.text);
    expect(line?.kind === 'log' && line.text.endsWith('…')).toBe(true);
  });

  it('shows each event as one line, with hidden characters made visible', () => {
    // Log lines carry recipe text (test names, hook messages): a line break would draw a line the
    // harness never wrote, a bidi override reorder it, a control or an invisible character hide
    // where the text was cut (the harness masked secrets in what it sent; nothing is dropped here).
    const r = ok([
      { seq: 1, at, kind: 'log', level: 'info', text: 'a\n10:00:01 install: pass\r\nb\rc\u2028d' },
      { seq: 2, at, kind: 'step', phase: 'install', step: 'deploy\u0085e\u000bf\u000cg' },
      { seq: 3, at, kind: 'rung', rung: 'lint', status: 'fail', reason: 'abc\u202Edcba\u2066' },
      {
        seq: 4,
        at,
        kind: 'log',
        level: 'warn',
        text: 'hunt\u0000er\u001b[1m2\u200Bx\u009by\u00ADz',
      },
      { seq: 5, at, kind: 'log', level: 'info', text: 'tab\tand 👩‍👩‍👧 \u0645\u06CC\u200C\u0631' },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const texts = r.events.map((e) =>
      e.kind === 'log' ? e.text : e.kind === 'step' ? e.step : e.reason,
    );
    expect(texts).toEqual([
      'a␤10:00:01 install: pass␤b␤c␤d',
      'deploy␤e␤f␤g',
      'abc\uFFFDdcba\uFFFD',
      'hunt\uFFFDer\uFFFD[1m2\uFFFDx\uFFFDy\uFFFDz',
      'tab\tand 👩‍👩‍👧 \u0645\u06CC\u200C\u0631',
    ]);
  });

  it.each([
    [{ run_id: 'other', events: [] }, 'run_id'],
    [{ run_id: 'r1', events: {} }, 'events'],
    [{ run_id: 'r1', events: [null] }, 'events[0].expected an object'],
    [{ run_id: 'r1', events: [{ seq: 0, at, kind: 'log', level: 'info', text: '' }] }, 'seq'],
    [{ run_id: 'r1', events: [{ seq: 1.5, at, kind: 'log', level: 'info', text: '' }] }, 'seq'],
    [
      {
        run_id: 'r1',
        events: [{ seq: 1, at: '2026-99-99T99:99:99Z', kind: 'log', level: 'info', text: '' }],
      },
      'at',
    ],
    [{ run_id: 'r1', events: [{ seq: 1, at, kind: 'log', level: 'debug', text: '' }] }, 'level'],
    [
      {
        run_id: 'r1',
        events: [{ seq: 1, at, kind: 'rung', rung: 'deploy', status: 'pass', reason: '' }],
      },
      'rung',
    ],
    [
      {
        run_id: 'r1',
        events: [{ seq: 1, at, kind: 'rung', rung: 'lint', status: 'great', reason: '' }],
      },
      'status',
    ],
    [
      { run_id: 'r1', events: [{ seq: 1, at, kind: 'step', phase: '<script>', step: '' }] },
      'phase',
    ],
    [{ run_id: 'r1', events: [{ seq: 1, at, kind: 'html', text: '' }] }, 'kind'],
    [
      { run_id: 'r1', events: Array.from({ length: LIVE_LIMITS.batch + 1 }, () => ({})) },
      'at most',
    ],
    ['[]', 'JSON object'],
  ])('refuses %j naming %s', (body, field) => {
    const r = parseLiveBody(body, 'r1');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(field);
  });
});

describe('liveState', () => {
  it('follows the current rung and the decided ones', () => {
    const s = liveState([
      { seq: 1, at, kind: 'step', phase: 'prepare', step: 'clone' },
      { seq: 2, at, kind: 'step', phase: 'install', step: 'deploy' },
      { seq: 3, at, kind: 'rung', rung: 'install', status: 'pass', reason: '' },
      { seq: 4, at, kind: 'step', phase: 'upgrade', step: 'redeploy' },
    ]);
    expect(s).toEqual({
      phase: 'upgrade',
      step: 'redeploy',
      currentRung: 'upgrade',
      done: { install: 'pass' },
    });
  });
});
