import type { Results } from '../src/index.js';
import { manualBuilder } from './helpers.js';

/** Text an abra error or a PR author could put in reasons, versions and test names. */
export const HOSTILE = [
  '</text><script>alert(1)</script>',
  '| injected | cells |',
  '`rm -rf /` and ```fence```',
  '@everyone @coop-cloud/maintainers',
  '[click](javascript:alert(1)) <img src=x onerror=alert(1)>',
  '\n# heading\n---\n* list',
  '&amp; &lt; "quotes" \'apostrophes\' ]]> <!-- comment -->',
  'ctrl\u0000\u0007\u001b[31mred\u001b[0m and a lone \uD800 surrogate',
  '**bold** _em_ ~~strike~~ :smile: \\backslash',
  '$\\href{https://x}{math}$ https://evil.example www.evil.example #1 coop-cloud/abra#42',
  'file\u202Etxt.exe ###=+<>~ {}—… Привет 漢字テスト 😀🎉 👍🏽',
];

export function hostileResults(): Results {
  const { builder: b, tick } = manualBuilder({ version: '1.0.0+<b>x</b>|`y`' });
  b.countDeploy();
  b.startRung('install');
  for (const [i, text] of HOSTILE.entries()) {
    b.addTest({ name: `${text} ${i}`, status: 'fail', ms: 10, reason: text });
  }
  tick(1000);
  b.finishRung('fail', HOSTILE.join(' '));
  b.setRung('upgrade', 'unver', HOSTILE[1]!);
  b.setRung('backup_restore', 'skip', HOSTILE[3]!);
  b.setLint(HOSTILE.map((text, i) => ({ id: `R${i}|<`, severity: 'error', description: text })));
  return b.finish();
}
