import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/index.js';
import { newRun } from './helpers.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccci-store-ev-'));
  store = openStore({ path: join(dir, 'bot.sqlite') });
  store.insertRun(newRun('r1'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ev = (seq: number, kind = 'log', data = `d${seq}`) => ({ seq, kind, data });

describe('run events', () => {
  it('keeps the first copy of a resent number and acknowledges the highest stored', () => {
    expect(store.addRunEvents('r1', [ev(1), ev(2)], 100)).toBe(2);
    expect(store.addRunEvents('r1', [ev(2, 'log', 'changed'), ev(3)], 100)).toBe(3);
    expect(store.runEvents('r1').map((e) => e.data)).toEqual(['d1', 'd2', 'd3']);
    expect(store.runEvents('r1', 1, 1).map((e) => e.seq)).toEqual([2]);
  });

  it('stores at most the per-run bound, keeps kinds apart, drops one kind', () => {
    expect(store.addRunEvents('r1', [ev(1, 'step'), ev(2), ev(3), ev(4)], 3)).toBe(3);
    expect(store.lastRunEvents('r1', ['log'], 1).map((e) => e.seq)).toEqual([3]);
    expect(store.lastRunEvents('r1', ['step', 'log'], 10).map((e) => e.seq)).toEqual([1, 2, 3]);
    store.dropRunEvents('r1', 'log');
    expect(store.runEvents('r1').map((e) => e.kind)).toEqual(['step']);
    expect(store.addRunEvents('nope', [], 3)).toBe(0);
  });
});
