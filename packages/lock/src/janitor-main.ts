import { fullLog, type Log } from '@ccci/contracts';
import { type JanitorReport, type RunJanitorOptions, runJanitor } from './janitor.js';
import { janitorMetrics, writeMetricsFile } from './metrics-file.js';

/** Exit codes of {@link janitorMain}. */
const JANITOR_EXIT = {
  /** Every stack left, warned about, or reaped. */
  ok: 0,
  /** At least one stack could not be reaped, or docker could not be asked. */
  failed: 1,
  /** Invalid options. */
  usage: 2,
} as const;

/** Logs JSON lines to stderr (the timer's journal). */
function stderrLog(stream: NodeJS.WritableStream = process.stderr): Log {
  const line = (level: string) => (fields: object, msg: string) => {
    stream.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields })}\n`);
  };
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

/**
 * The janitor as a command (`harness-runner janitor`, the systemd timer): one pass, one log
 * line per stack, and an exit code from {@link JANITOR_EXIT}. Never throws; the report is
 * returned for callers that want it (e.g. `--json`).
 */
export async function janitorMain(
  options: RunJanitorOptions & {
    /** A Prometheus textfile (node_exporter's collector) the pass's metrics are written to. */
    metricsFile?: string | undefined;
  },
): Promise<{ exitCode: number; report?: JanitorReport }> {
  const log = fullLog(options.log ?? stderrLog());
  let report: JanitorReport;
  try {
    report = await runJanitor({ ...options, log });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof TypeError) {
      log.error({}, `janitor: invalid option: ${message}`);
      return { exitCode: JANITOR_EXIT.usage };
    }
    log.error({ code: (error as { code?: unknown }).code }, `janitor: ${message}`);
    return { exitCode: JANITOR_EXIT.failed };
  }
  if (options.metricsFile) {
    try {
      writeMetricsFile(options.metricsFile, janitorMetrics(report));
    } catch (error) {
      log.warn(
        { file: options.metricsFile },
        `janitor: cannot write the metrics file: ${(error as Error).message}`,
      );
    }
  }
  const failed = report.entries.filter((e) => e.outcome === 'failed' || e.outcome === 'lock-lost');
  const count = (outcome: string) => report.entries.filter((e) => e.outcome === outcome).length;
  log.info(
    {
      stacks: report.entries.length,
      reaped: count('reaped'),
      left: count('left') + count('lost-race') + count('identity-changed'),
      warned: count('warned'),
      kept: count('kept'),
      failed: failed.length,
    },
    'janitor: pass done',
  );
  return { exitCode: failed.length > 0 ? JANITOR_EXIT.failed : JANITOR_EXIT.ok, report };
}
