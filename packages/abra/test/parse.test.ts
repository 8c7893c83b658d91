import { describe, expect, it } from 'vitest';
import {
  classifyFailure,
  cleanTerminalOutput,
  maskSecrets,
  parseFatalLines,
  parseGeneratedSecrets,
  parseLintTable,
  parsePs,
  parseTable,
} from '../src/index.js';
import { capturedOutput, rawOutput } from './helpers.js';

describe('cleanTerminalOutput', () => {
  it('strips colours, turns CRLF into LF and keeps the last state of a rewritten line', () => {
    const raw = '\x1b[32m⠋\x1b[0m starting\r\x1b[32m⠙\x1b[0m healthy\r\n\x1b]0;title\x07done\r\n';
    expect(cleanTerminalOutput(raw)).toBe('⠙ healthy\ndone\n');
  });

  it('keeps text followed by a trailing carriage return', () => {
    expect(cleanTerminalOutput('last line\r')).toBe('last line');
  });

  it('drops stray control characters but keeps tabs', () => {
    expect(cleanTerminalOutput('a\tb\x07c\x08d\x00')).toBe('a\tbcd');
  });
});

describe('parseLintTable', () => {
  it('reads a box-drawn table with colours, a skipped rule and failed error rules', () => {
    const report = parseLintTable(capturedOutput('lint-lipgloss-failed.txt'));
    expect(report.rules).toHaveLength(10);
    expect(report.rules[0]).toEqual({
      ref: 'R001',
      rule: 'compose config has expected version',
      severity: 'warn',
      satisfied: true,
      skipped: false,
      resolve: `ensure 'version: "3.8"' in compose configs`,
    });
    // R002 fails but is a warning; R010 fails but is skipped: neither fails the rung.
    expect(report.errorsFailed.map((r) => r.ref)).toEqual(['R008', 'R014']);
    expect(report.rules.find((r) => r.ref === 'R010')).toMatchObject({
      satisfied: false,
      skipped: true,
      resolve: '',
    });
  });

  it('reads an ASCII table with wrapped cells and ✅/❌ flags', () => {
    const report = parseLintTable(capturedOutput('lint-ascii-ok.txt'));
    expect(report.rules.map((r) => r.ref)).toEqual(['R001', 'R006', 'R008', 'R010']);
    expect(report.rules[1]).toMatchObject({
      rule: 'traefik routing enabled on at least one service',
      severity: 'error',
      satisfied: true,
      resolve: 'include "traefik.enable=true" deploy label',
    });
    expect(report.rules[3]).toMatchObject({ satisfied: false, skipped: true });
    expect(report.errorsFailed).toEqual([]);
  });

  it('says what it expected when there is no table', () => {
    expect(() => parseLintTable('INFO nothing to see\n')).toThrow(
      /no lint table found.*REF, RULE, SEVERITY, SATISFIED/,
    );
  });

  it('names the rule and column of a value it cannot read', () => {
    const text =
      '| REF | RULE | SEVERITY | SATISFIED | SKIPPED | RESOLVE |\n| R001 | x | warn | maybe | no | - |\n';
    expect(() => parseLintTable(text)).toThrow(/R001: column "satisfied" holds "maybe"/);
  });
});

describe('parsePs', () => {
  it('reads the service table', () => {
    const services = parsePs(capturedOutput('ps-table.txt'));
    expect(services?.map((s) => [s.service, s.state])).toEqual([
      ['app', 'running'],
      ['db', 'running'],
    ]);
    expect(services?.[0]).toMatchObject({
      image: 'ccci-busybox:latest',
      status: 'Up About a minute (healthy)',
    });
    expect(services?.[0]?.columns['ports']).toBe('0.0.0.0:31080->80/tcp');
    expect(services?.[1]?.columns['ports']).toBe('');
  });

  it('reads machine (JSON) output', () => {
    expect(parsePs(capturedOutput('ps-machine.txt'))).toEqual([
      {
        service: 'app',
        image: 'ccci-busybox:latest',
        status: 'Up 2 minutes (healthy)',
        state: 'running',
        columns: {
          service: 'app',
          image: 'ccci-busybox:latest',
          status: 'Up 2 minutes (healthy)',
          state: 'running',
        },
      },
    ]);
  });

  it('returns undefined without a table', () => {
    expect(parsePs('FATA[0000] something\n')).toBeUndefined();
  });
});

describe('parseGeneratedSecrets', () => {
  const expected = [
    { name: 'db_password', value: 'Zq8pXv2LmR4tN7wYb1cK9dF3gH6jS0aE' },
    { name: 'admin_pass', value: 'kP3mQ8rT1vX5zB9nC2dG' },
  ];

  it('reads the NAME/VALUE table', () => {
    expect(parseGeneratedSecrets(capturedOutput('secret-generate-table.txt'))).toEqual(expected);
  });

  it('reads machine (JSON) output', () => {
    expect(parseGeneratedSecrets(capturedOutput('secret-generate-machine.txt'))).toEqual(expected);
  });

  it('returns nothing when nothing was generated', () => {
    expect(parseGeneratedSecrets('INFO no secrets to generate\n')).toEqual([]);
  });

  it('masks every value', () => {
    const masked = maskSecrets(capturedOutput('secret-generate-table.txt'), expected);
    expect(masked).not.toContain(expected[0]!.value);
    expect(masked).not.toContain(expected[1]!.value);
    expect(masked).toContain('db_password');
  });
});

describe('parseTable', () => {
  it('reads a borderless table padded with spaces', () => {
    const text =
      'SERVICE   IMAGE              STATE\napp       ccci-busybox:1     running\nworker    ccci-busybox:1     \n\nafter';
    expect(parseTable(text, ['service'])?.rows).toEqual([
      { service: 'app', image: 'ccci-busybox:1', state: 'running' },
      { service: 'worker', image: 'ccci-busybox:1', state: '' },
    ]);
  });

  it('keeps a | inside the last cell', () => {
    const text = '| A | B |\n| 1 | x | y |\n';
    expect(parseTable(text, ['a', 'b'])?.rows).toEqual([{ a: '1', b: 'x | y' }]);
  });
});

describe('FATA lines → codes', () => {
  const cases = [
    ['fatal-no-tty.txt', 'ABRA_NO_TTY', 'inappropriate ioctl for device'],
    ['fatal-unstaged.txt', 'ABRA_UNSTAGED_CHANGES', 'cust (/root/.abra/recipes/cust) has locally'],
    ['fatal-deploy-timeout.txt', 'ABRA_DEPLOY_TIMEOUT', 'deploy timed out 🟠'],
    ['fatal-app-not-found.txt', 'ABRA_APP_NOT_FOUND', 'cannot find app with name'],
    ['fatal-recipe-not-found.txt', 'ABRA_RECIPE_NOT_FOUND', 'unable to find recipe nosuchrecipe'],
    ['fatal-unknown.txt', 'ABRA_UNKNOWN', 'docker: Error response from daemon'],
  ] as const;

  it.each(cases)('%s → %s', (file, code, start) => {
    const output = capturedOutput(file);
    const fatal = parseFatalLines(output);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(new RegExp(`^${start.replace(/[()]/g, '\\$&')}`));
    expect(classifyFailure(fatal, output)).toBe(code);
  });

  it('needs the colours stripped first (raw output has none of the FATA text at line start)', () => {
    expect(parseFatalLines(rawOutput('fatal-app-not-found.txt'))).toEqual([]);
  });

  it('classifies a Go panic without a FATA line as unknown', () => {
    const output = capturedOutput('panic-no-fata.txt');
    expect(parseFatalLines(output)).toEqual([]);
    expect(classifyFailure([], output)).toBe('ABRA_UNKNOWN');
  });

  it('lets the first classifiable FATA line decide', () => {
    const output =
      'FATA[0000] something odd\nFATA[0000] cannot find app with name x.y\nFATA[0000] deploy timed out\n';
    expect(classifyFailure(parseFatalLines(output), output)).toBe('ABRA_APP_NOT_FOUND');
  });
});
