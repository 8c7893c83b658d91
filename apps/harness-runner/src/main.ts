import { join } from 'node:path';
import { OrphanError } from '@ccci/lifetime';
import { janitorMain } from '@ccci/lock';
import { configFromEnv, parseCommand, RUN_EXIT, runHarness, USAGE, UsageError } from '@ccci/run';

export interface MainIo {
  argv: string[];
  env: Record<string, string | undefined>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WritableStream;
  exit: (code: number) => void;
}

/**
 * `harness-runner run …` / `harness-runner janitor`: parse, wire, hand over to @ccci/run.
 * Usage errors exit 2 with one line and the usage; nothing is changed.
 */
export async function main(io: MainIo): Promise<void> {
  let parsed: ReturnType<typeof parseCommand>;
  let config: ReturnType<typeof configFromEnv>;
  try {
    parsed = parseCommand(io.argv, io.env);
    config = configFromEnv(io.env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`harness-runner: ${error.message}\n\n${USAGE}\n`);
      return io.exit(RUN_EXIT.usage);
    }
    throw error;
  }
  if (parsed.command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return io.exit(RUN_EXIT.ok);
  }
  if (parsed.command === 'janitor') {
    const { exitCode } = await janitorMain({
      ciDomain: config.ciDomain,
      locksDir: config.locksDir,
      runsDir: config.runsDir,
      envDir: join(config.sharedAbraDir, 'servers', config.server),
      deadlineMs: config.deadlineMs,
    });
    return io.exit(exitCode);
  }
  try {
    await runHarness({
      settings: parsed.settings!,
      config,
      stdout: io.stdout,
      exit: io.exit,
      env: io.env,
    });
  } catch (error) {
    if (error instanceof OrphanError) {
      io.stderr.write(`harness-runner: ${error.message}\n`);
      return io.exit(RUN_EXIT.refused);
    }
    throw error;
  }
}
