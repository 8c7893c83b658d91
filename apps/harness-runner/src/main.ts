import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OrphanError } from '@ccci/lifetime';
import { janitorMain } from '@ccci/lock';
import {
  configFromEnv,
  parseCommand,
  RUN_EXIT,
  USAGE as RUN_USAGE,
  resendSpool,
  runHarness,
  UsageError,
  unwarmRecipe,
} from '@ccci/run';

// The resend line sits under `janitor` (falls back to the end if that line ever moves).
const RESEND_USAGE = '  harness-runner resend [--spool-dir <dir>]   (default CCCI_SPOOL_DIR)';
const USAGE = RUN_USAGE.includes('  harness-runner janitor\n')
  ? RUN_USAGE.replace('  harness-runner janitor\n', `  harness-runner janitor\n${RESEND_USAGE}\n`)
  : `${RUN_USAGE}\n${RESEND_USAGE}`;

export interface MainIo {
  argv: string[];
  env: Record<string, string | undefined>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WritableStream;
  exit: (code: number) => void;
}

/**
 * `harness-runner run …` / `harness-runner janitor` / `harness-runner resend`: parse, wire,
 * hand over to @ccci/run. Usage errors exit 2 with one line and the usage; nothing is changed.
 */
export async function main(io: MainIo): Promise<void> {
  if (io.argv[0] === 'resend') return resend(io);
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
      metricsFile: config.metricsFile,
    });
    return io.exit(exitCode);
  }
  if (parsed.command === 'unwarm') {
    try {
      const { removed, domain } = await unwarmRecipe({ config, recipe: parsed.recipe! });
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

/**
 * `harness-runner resend`: one line per spooled report; exit 0 when every report was
 * delivered or is final, 1 when some stay spooled.
 */
async function resend(io: MainIo): Promise<void> {
  let spoolDir: string;
  try {
    let values: { 'spool-dir'?: string | undefined };
    try {
      ({ values } = parseArgs({
        args: io.argv.slice(1),
        options: { 'spool-dir': { type: 'string' } },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new UsageError(`resend: ${(error as Error).message}`);
    }
    spoolDir = values['spool-dir'] ? resolve(values['spool-dir']) : configFromEnv(io.env).spoolDir;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`harness-runner: ${error.message}\n\n${USAGE}\n`);
      return io.exit(RUN_EXIT.usage);
    }
    throw error;
  }
  const summary = await resendSpool({
    spoolDir,
    log: (line) => io.stdout.write(`${line}\n`),
  });
  if (summary.items.length === 0) io.stdout.write(`no spooled reports in ${spoolDir}\n`);
  return io.exit(summary.kept > 0 ? RUN_EXIT.failed : RUN_EXIT.ok);
}
