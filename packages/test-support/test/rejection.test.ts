import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../src/index.js';

class NamedError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

describe('rejectionOf', () => {
  it('resolves with the error when the promise rejects with the given class', async () => {
    const error = await rejectionOf(Promise.reject(new NamedError('E_X')), NamedError);
    expect(error).toBeInstanceOf(NamedError);
    expect(error.code).toBe('E_X');
  });

  it('throws on a rejection with another class, unchanged', async () => {
    const other = new TypeError('not ours');
    await expect(rejectionOf(Promise.reject(other), NamedError)).rejects.toBe(other);
  });

  it('fails when the promise resolves', async () => {
    await expect(rejectionOf(Promise.resolve(1), NamedError)).rejects.toThrow(
      'expected a rejection with NamedError, the call succeeded',
    );
  });
});
