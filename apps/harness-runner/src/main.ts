import { join } from 'node:path';
import { OrphanError } from '@ccci/lifetime';
import { janitorMain } from '@ccci/lock';
import {
  configFromEnv,
  type EngineConfig,
  RUN_EXIT,
  resendSpool,
  runHarness,
  UsageError,
  unwarmRecipe,
} from '@ccci/run';
import { type Command, parseCommand, USAGE } from './command.js';

export interface MainIo {
  argv: string[];
  env: Record<string, string | undefined>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WritableStream;
  exit: (code: number) => void;
}

/**
 * `harness-runner run …` / `janitor` / `resend` / `unwarm`: parse, wire, hand over to
 * @ccci/run. Usage errors exit 2 with one line and the usage; nothing is changed.
 */
export async function main(io: MainIo): Promise<void> {
  let parsed: Command;
  try {
    parsed = parseCommand(io.argv, io.env);
  } catch (error) {
    return usage(io, error);
  }
  if (parsed.command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return io.exit(RUN_EXIT.ok);
  }
  // `resend --spool-dir` needs no host settings; every other command reads them.
  if (parsed.command === 'resend' && parsed.spoolDir) return resend(io, parsed.spoolDir);
  let config: EngineConfig;
  try {
    config = configFromEnv(io.env);
  } catch (error) {
    return usage(io, error);
  }
  if (parsed.command === 'resend') return resend(io, config.spoolDir);
  if (parsed.command === 'janitor') {
    const { exitCode } = await janitorMain({
      ciDomain: config.ciDomain,
      locksDir: config.locksDir,
      runsDir: config.runsDir,
      envDir: join(config.sharedAbraDir, 'servers', config.server),
      deadlineMs: config.deadlineMs,
      metricsFile: config.metricsFile,
    });
    return io.exit(exitCode);
  }
  if (parsed.command === 'unwarm') {
    try {
      const { removed, domain } = await unwarmRecipe({ config, recipe: parsed.recipe });
      io.stdout.write(
        removed
          ? `removed the warm instance ${domain} and its record\n`
          : `no warm instance of ${parsed.recipe} (${domain})\n`,
      );
      return io.exit(RUN_EXIT.ok);
    } catch (error) {
      io.stderr.write(`harness-runner: unwarm ${parsed.recipe}: ${(error as Error).message}\n`);
      return io.exit(RUN_EXIT.failed);
    }
  }
  try {
    await runHarness({
      settings: parsed.settings,
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

/** A usage error: one line and the usage on stderr, exit 2. Anything else is rethrown. */
function usage(io: MainIo, error: unknown): void {
  if (!(error instanceof UsageError)) throw error;
  io.stderr.write(`harness-runner: ${error.message}\n\n${USAGE}\n`);
  io.exit(RUN_EXIT.usage);
}

/**
 * `harness-runner resend`: one line per spooled report; exit 0 when every report was
 * delivered or is final, 1 when some stay spooled.
 */
async function resend(io: MainIo, spoolDir: string): Promise<void> {
  const summary = await resendSpool({
    spoolDir,
    log: (line) => io.stdout.write(`${line}\n`),
  });
  if (summary.items.length === 0) io.stdout.write(`no spooled reports in ${spoolDir}\n`);
  return io.exit(summary.kept > 0 ? RUN_EXIT.failed : RUN_EXIT.ok);
}
