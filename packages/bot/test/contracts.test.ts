import { RECIPE_NAME_EXAMPLES, RUNG_NAMES } from '@ccci/contracts';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/index.js';
import { parseRunQuery } from '../src/pages/run-query.js';

// The bot's entry points read names with @ccci/contracts' rules: these are the cases the
// harness command line is tested with too (apps/harness-runner/test/command.test.ts).
describe('the bot reads recipe names and rungs by the shared rules', () => {
  it('takes every accepted recipe name in a dashboard or API query, refuses every refused one', () => {
    const ok = (recipe: string) => parseRunQuery(new URLSearchParams({ recipe })).ok;
    for (const name of RECIPE_NAME_EXAMPLES.accepted) expect(ok(name), name).toBe(true);
    for (const name of RECIPE_NAME_EXAMPLES.refused) expect(ok(name), name).toBe(false);
  });

  it('takes every rung in `!testme --stages=` and no other word', () => {
    expect(parseCommand(`!testme --stages=${RUNG_NAMES.join(',')}`)).toMatchObject({
      kind: 'testme',
      stages: [...RUNG_NAMES],
    });
    expect(parseCommand('!testme --stages=install,deploy')).toMatchObject({ kind: 'invalid' });
  });
});
