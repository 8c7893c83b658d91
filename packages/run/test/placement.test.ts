import { describe, expect, it } from 'vitest';
import { hostProblem, type TaskState } from '../src/support/placement.js';

const task = (state: string, ageMs: number, error = ''): TaskState => ({
  id: 't1',
  name: 'web_app.1',
  state,
  since: 1_000_000 - ageMs,
  error,
});
const now = 1_000_000;

describe('whose problem a task is', () => {
  it('a task the allocator leaves in new is the host (after the grace)', () => {
    expect(hostProblem(task('new', 2_000), now)).toBeUndefined();
    expect(hostProblem(task('new', 20_000), now)).toMatch(
      /has not allocated web_app\.1 for 20 s \(task state new\).*out of addresses/,
    );
  });

  it('pending with no suitable node is the host: a port in use, no resources', () => {
    const e = 'no suitable node (host-mode port already in use on 1 node)';
    expect(hostProblem(task('pending', 20_000, e), now)).toMatch(
      /cannot place web_app\.1.*port already in use/,
    );
    expect(hostProblem(task('pending', 1_000, e), now)).toBeUndefined();
  });

  it('a missing image is the host', () => {
    expect(hostProblem(task('rejected', 0, 'No such image: ccci-busybox:nope'), now)).toMatch(
      /cannot start web_app\.1: No such image/,
    );
  });

  it("a task that ran and failed is the recipe's", () => {
    for (const t of [
      task('failed', 60_000, 'task: non-zero exit (1)'),
      task('running', 60_000),
      task('starting', 60_000),
      task('rejected', 0, 'invalid mount config for type "bind"'),
    ])
      expect(hostProblem(t, now), t.state).toBeUndefined();
  });
});
