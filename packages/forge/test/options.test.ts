import { describe, expect, it } from 'vitest';
import { createDrone, createForge } from '../src/index.js';

const ok = { dialect: 'gitea', baseUrl: 'http://127.0.0.1:1/api/v1', token: 't0ken' } as const;

describe('createForge options', () => {
  it('names the bad option and value', () => {
    expect(() => createForge({ ...ok, dialect: 'gitlab' as 'gitea' })).toThrow(
      'options.dialect must be "gitea" or "github", found "gitlab"',
    );
    expect(() => createForge({ ...ok, baseUrl: 'ftp://x' })).toThrow(
      /options.baseUrl must be an http\(s\) URL/,
    );
    expect(() => createForge({ ...ok, retry: { retries: -1 } })).toThrow(
      'options.retry.retries must be a non-negative integer, found -1',
    );
    expect(() => createForge({ ...ok, maxPages: 0 })).toThrow(/options.maxPages/);
  });

  it('never echoes a secret in the message', () => {
    expect(() =>
      createForge({ ...ok, baseUrl: 'https://bot:hunter2-secret@git.example.org/api/v1' }),
    ).toThrow(/must not contain credentials/);
    let message = '';
    try {
      createForge({ ...ok, token: 'has space-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('options.token');
    expect(message).not.toContain('secret');
    expect(() => createDrone({ baseUrl: 'http://127.0.0.1:1', token: '' })).toThrow(
      /options.token/,
    );
  });

  it('exposes the dialect', () => {
    expect(createForge({ ...ok, dialect: 'github' }).dialect).toBe('github');
  });
});
