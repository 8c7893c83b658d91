// vitest's file order: the long suites first. vitest orders files by the durations it cached
// from the last run, and without that cache (a clean clone, as CI runs) by file size, which put
// the Docker and browser suites — minutes each, most of the suite's time — anywhere, often last:
// then one worker ran a three-minute suite alone at the end while the others had nothing left.
// The files named `*.docker.test.ts` and `*.browser.test.ts` go first, in vitest's own order
// (cached durations, else size); the many short files fill the workers in after them.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONG = /\.(docker|browser)\.test\.ts$/;

export default class LongSuitesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const long = (f: TestSpecification) => LONG.test(f.moduleId);
    return [...ordered.filter(long), ...ordered.filter((f) => !long(f))];
  }
}
