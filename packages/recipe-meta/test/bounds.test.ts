import { describe, expect, it } from 'vitest';
import { KEYS } from '../src/registry.js';
import type { TypeSpec } from '../src/type-spec.js';
import { metaErrors } from './helpers.js';

const errors = metaErrors;

describe('hostile sizes in recipe_meta.yml', () => {
  it('an alias bomb is a settings problem with file and line, not a crash', () => {
    const lines = ['# bomb', 'a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(', ')}]`,
      );
    }
    lines.push('HEALTH_PATH: /x');
    const [p, ...rest] = errors(lines.join('\n'));
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ code: 'yaml_aliases', line: 3 });
    expect(p?.file).toMatch(/recipe_meta\.yml$/);
    expect(p?.message).toMatch(/aliases expand too far/);
  });

  it('a file of megabytes is refused before it is parsed', () => {
    const [p] = errors(`HEALTH_PATH: /${'a'.repeat(8 * 1024 * 1024)}\n`);
    expect(p).toMatchObject({ code: 'file_too_large', line: 1 });
    expect(p?.message.length).toBeLessThan(200);
  });

  it('a long string setting is refused with its length and the limit, not echoed', () => {
    const [p] = errors(`HEALTH_PATH: /${'a'.repeat(5000)}\n`);
    expect(p).toMatchObject({ code: 'wrong_type', key: 'HEALTH_PATH', line: 1 });
    expect(p?.message).toContain('5001 characters (at most 2048)');
    expect(p?.message.length).toBeLessThan(200);
  });

  it('a map with too many entries is refused with the count', () => {
    const entries = Array.from({ length: 201 }, (_, i) => `  K${i}: v`).join('\n');
    const [p] = errors(`EXTRA_ENV:\n${entries}\n`);
    expect(p?.message).toContain('201 entries (at most 200 entries)');
  });

  it('a long value inside a list of objects is bounded too', () => {
    const [p] = errors(`READY_PROBE:\n  - http: /${'b'.repeat(3000)}\n`);
    expect(p?.key).toBe('READY_PROBE');
    expect(p?.message).toMatch(/READY_PROBE\[0\]\.http: .*at most 2048/);
  });

  it('every string, list and map of the registry has a bound', () => {
    const unbounded: string[] = [];
    const walk = (spec: TypeSpec, at: string): void => {
      if (spec.kind === 'string' && !(spec.maxLength > 0)) unbounded.push(at);
      if (spec.kind === 'list') {
        if (!(spec.maxItems > 0)) unbounded.push(at);
        walk(spec.of, `${at}[]`);
      }
      if (spec.kind === 'map') {
        if (!(spec.maxEntries > 0 && spec.keys.maxLength > 0)) unbounded.push(at);
        walk(spec.of, `${at}.*`);
      }
      if (spec.kind === 'object')
        for (const [n, p] of Object.entries(spec.props)) walk(p.spec, `${at}.${n}`);
    };
    for (const k of KEYS) if (k.type) walk(k.type, k.key);
    expect(unbounded).toEqual([]);
  });
});
