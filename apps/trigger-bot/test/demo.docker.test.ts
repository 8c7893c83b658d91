// The README's main job, checked: the same module scripts/demo.sh runs. Real swarm, git, SQLite
// and harness-runner; the forge, abra and traefik are the testbed's stand-ins. Its own ci domain.
import { describe, expect, it } from 'vitest';
import { runFullChain } from '../scripts/full-chain.js';

describe('full chain: !testme → trigger-bot → harness-runner → swarm → result', () => {
  it('acknowledges, runs the web fixture, edits the comment to the result, leaves nothing', async () => {
    const r = await runFullChain({ timeoutMs: 400_000 });
    expect(r.ackBody).toContain('ccci');
    expect(r.sameComment).toBe(true);
    expect(r.finalBody).not.toBe(r.ackBody);
    expect(r.finalBody).toMatch(/level [1-5]/);
    expect(r.level).toBeGreaterThanOrEqual(1);
    expect(r.statuses.map((s) => s.state)).toEqual(['pending', 'success']);
    expect(r.artifacts).toContain('results.json');
    expect(r.badgeIsSvg).toBe(true);
    expect(r.leftovers).toEqual([]);
    // Followed live: the comment said it was running, and the run page shows the rungs the
    // harness streamed as they were decided.
    expect(r.bodies.some((b) => /is running/.test(b))).toBe(true);
    expect(r.runPage).toContain('data-rung="install" class="st-pass"');
  }, 480_000);
});
