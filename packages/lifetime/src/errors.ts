import { CcciError } from '@ccci/contracts';

/** The process was started with no live parent (its executor is gone); it refuses to run. */
export class OrphanError extends CcciError<'LIFETIME_ORPHAN'> {
  constructor(readonly parentPid: number) {
    super(
      'LIFETIME_ORPHAN',
      parentPid === 1
        ? 'refusing to start: this process is an orphan (its parent is pid 1, so the executor that started it is gone). ' +
            'Start it from its executor, or pass allowOrphan for a deliberately detached local run.'
        : `refusing to start: parent process ${parentPid} is gone. Start it from its executor.`,
    );
  }
}
