// `bash scripts/demo.sh`: the full chain once, printed for a person. See full-chain.ts.
import { HARNESS_BIN, runFullChain } from './full-chain.js';

const say = (text: string) => process.stdout.write(`[demo] ${text}\n`);
const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

say('ccci full chain: a !testme on a pull request → trigger-bot → harness-runner → swarm → result');
say('STAND-INS (from packages/testbed, clearly not the real thing): the forge is a fake Gitea');
say('(no Gitea server here), abra is a double that drives the real Docker Swarm the way abra');
say('does (real abra needs a server context over SSH), traefik is a small gateway. Real: Docker');
say(`Swarm, git, SQLite, Chromium, trigger-bot and the harness (${HARNESS_BIN}).`);
try {
  const r = await runFullChain({ say, keep: true, logLevel: process.env.LOG_LEVEL ?? 'warn' });
  say(`acknowledgement comment (after ${r.seconds.ack} s):\n${indent(r.ackBody)}`);
  say(
    `the same comment, edited in place (result after ${r.seconds.result} s)${r.sameComment ? '' : ' [WARNING: more than one bot comment]'}:\n${indent(r.finalBody)}`,
  );
  say(`commit statuses: ${r.statuses.map((s) => `${s.state} (${s.description})`).join(' → ')}`);
  say(`LEVEL ${r.level ?? 'none'}`);
  say(`/api/results:\n${indent(JSON.stringify(summary(r.apiResults), null, 2))}`);
  say(`badge (default-branch level; a PR run counts once the PR merges): ${r.badgeUrl}`);
  say(
    `run page (while the bot runs): ${r.runUrl}; artifacts kept by the bot: ${r.artifacts.join(', ')}`,
  );
  say(`results on disk: ${r.harnessArtifactsDir ?? '(none)'}; bot database ${r.dbPath}`);
  say(`bot stopped cleanly in ${r.seconds.stop} s`);
  say(
    r.leftovers.length === 0
      ? 'swarm: nothing of the run is left (services, volumes, networks, secrets, configs, locks)'
      : `swarm: LEFT OVER: ${r.leftovers.join(', ')}`,
  );
  say(`total ${r.seconds.total} s; working folder ${r.dir} (delete when done)`);
  process.exit(r.leftovers.length === 0 && r.level !== null ? 0 : 1);
} catch (error) {
  say(`failed: ${(error as Error).message}`);
  process.exit(1);
}

function summary(api: unknown): unknown {
  const recipes = (api as { recipes?: Record<string, unknown>[] }).recipes ?? [];
  return {
    recipes: recipes.map(({ results, ...rest }) => ({
      ...rest,
      results: results ? '{…full results.json…}' : null,
    })),
  };
}
