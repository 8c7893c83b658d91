import { describe, expect, it } from 'vitest';
import { CcciError, fullLog, type Log } from '../src/index.js';

class ExampleError extends CcciError<'EXAMPLE_BROKEN'> {
  constructor(cause?: unknown) {
    super('EXAMPLE_BROKEN', 'example broke', { cause });
  }
}

describe('CcciError', () => {
  it('carries code, the subclass name and cause', () => {
    const cause = new Error('root');
    const error = new ExampleError(cause);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'EXAMPLE_BROKEN', name: 'ExampleError', cause });
    expect('cause' in new ExampleError()).toBe(false);
  });
});

describe('fullLog', () => {
  it('passes (fields, message) to the methods given, with `this` kept, and no-ops the rest', () => {
    const lines: unknown[] = [];
    const pinoLike = {
      prefix: 'p',
      info(this: { prefix: string }, fields: object, message: string) {
        lines.push([this.prefix, fields, message]);
      },
    };
    const log = fullLog(pinoLike as Log);
    log.info({ a: 1 }, 'hello');
    log.debug({}, 'dropped');
    expect(lines).toEqual([['p', { a: 1 }, 'hello']]);
    expect(() => fullLog(undefined).error({}, 'nowhere')).not.toThrow();
  });
});
