import type { FullLog } from '@ccci/contracts';
import {
  type AbraCallInfo,
  AbraError,
  type AbraErrorCode,
  classifyFailure,
  parseFatalLines,
} from './errors.js';
import {
  type AbraCallRegistry,
  type AbraOperation,
  type CallOptions,
  DEFAULT_TIMEOUTS_MS,
} from './options.js';
import { type OutputStream, type ProcessOutcome, runProcess } from './run-process.js';
import { type GeneratedSecret, maskSecrets, parseGeneratedSecrets } from './secrets.js';
import { checkPositiveInt } from './validate.js';

/** One abra call as a method describes it. */
export interface Invocation {
  op: AbraOperation;
  /** Subcommand words for messages, e.g. `app deploy`. */
  label: string;
  args: string[];
  call: CallOptions;
  env?: Record<string, string>;
  defaultTimeoutMs?: number;
  /** The output holds secret values: do not stream it, never put it in an error. */
  secretBearing?: boolean;
  /** An abort from this signal ends the call normally (stopping `logs`). */
  stopSignal?: AbortSignal;
}

/** Settings shared by every call of one client (validated by createAbra). */
export interface InvokerConfig {
  bin: string;
  env: Record<string, string>;
  /** Calls inherit this process's environment under `env`. */
  inheritEnv: boolean;
  terminal: boolean;
  killGraceMs: number;
  maxOutputChars: number;
  timeoutMs: Partial<Record<AbraOperation, number>>;
  onOutput: ((chunk: string, stream: OutputStream) => void) | undefined;
  log: FullLog;
  registry: AbraCallRegistry | undefined;
}

/** A call's fields plus the raw process outcome. */
export type Invoked = AbraCallInfo & { outcome: ProcessOutcome };

const WITHHELD = '[output withheld: this abra command prints secret values]';

/** Drops the process outcome: what a method returns. */
export function toResult({ outcome: _, ...info }: Invoked): AbraCallInfo {
  return info;
}

/** An AbraError for output abra produced successfully but that we cannot read. */
export function unreadable(label: string, info: AbraCallInfo, why: string, cause?: unknown) {
  return new AbraError(`abra ${label} failed [ABRA_UNKNOWN]: ${why}`, {
    ...info,
    code: 'ABRA_UNKNOWN',
    fatal: undefined,
    timedOut: false,
    isAborted: false,
    cause,
  });
}

/** Runs abra invocations: time limits, streaming, and the mapping of failures to {@link AbraError}. */
export class Invoker {
  readonly #config: InvokerConfig;

  constructor(config: InvokerConfig) {
    this.#config = config;
  }

  async invoke(inv: Invocation): Promise<Invoked> {
    const config = this.#config;
    const timeoutMs = checkPositiveInt(
      'timeoutMs',
      inv.call.timeoutMs ??
        config.timeoutMs[inv.op] ??
        inv.defaultTimeoutMs ??
        DEFAULT_TIMEOUTS_MS[inv.op],
    );
    const command = [config.bin, ...inv.args];
    const signals = [inv.call.signal, inv.stopSignal].filter((s) => s !== undefined);
    config.log.debug({ command, timeoutMs }, `abra ${inv.label}: start`);
    const run = (kill?: AbortSignal) => {
      const all = kill ? [...signals, kill] : signals;
      return runProcess({
        argv: command,
        env: { ...config.env, ...inv.env },
        inheritEnv: config.inheritEnv,
        terminal: config.terminal,
        timeoutMs,
        killGraceMs: config.killGraceMs,
        signal: all.length > 0 ? AbortSignal.any(all) : undefined,
        onOutput: inv.secretBearing ? undefined : config.onOutput,
        maxOutputChars: config.maxOutputChars,
      });
    };
    // Registered while it runs: a teardown funnel aborts it and waits for its tree to be dead.
    const outcome = config.registry ? await config.registry.operation(run) : await run();
    const info: AbraCallInfo = {
      command,
      exitCode: outcome.exitCode,
      output: outcome.output,
      durationMs: outcome.durationMs,
    };
    const stopped =
      outcome.aborted && inv.stopSignal?.aborted === true && !inv.call.signal?.aborted;
    if (!stopped && (outcome.exitCode !== 0 || outcome.timedOut || outcome.aborted)) {
      throw this.#failure(inv, info, outcome, timeoutMs);
    }
    config.log.debug({ durationMs: outcome.durationMs }, `abra ${inv.label}: done`);
    return { ...info, outcome };
  }

  /** Runs a secret-printing command: parse the values, report a masked summary, mask the kept output. */
  async withSecrets(inv: Invocation): Promise<AbraCallInfo & { secrets: GeneratedSecret[] }> {
    const info = toResult(await this.invoke({ ...inv, secretBearing: true }));
    const secrets = parseGeneratedSecrets(info.output);
    const names = secrets.map((s) => s.name).join(', ') || '-';
    this.#config.onOutput?.(
      `abra ${inv.label}: ${secrets.length} secret(s) generated: ${names}\n`,
      'stdout',
    );
    return { ...info, output: maskSecrets(info.output, secrets), secrets };
  }

  #failure(
    inv: Invocation,
    info: AbraCallInfo,
    outcome: ProcessOutcome,
    timeoutMs: number,
  ): AbraError {
    const secrets = inv.secretBearing ? parseGeneratedSecrets(outcome.output) : [];
    const fatalLines = parseFatalLines(outcome.output).map((m) => maskSecrets(m, secrets));
    const fatal = fatalLines[0];
    let code: AbraErrorCode;
    let reason: string;
    if (outcome.timedOut) {
      code = 'ABRA_TIMEOUT';
      reason = `no result after ${timeoutMs} ms; its process tree was killed`;
    } else if (outcome.aborted) {
      code = 'ABRA_ABORTED';
      reason = 'aborted by the caller; its process tree was killed';
    } else if (
      outcome.spawnError ||
      (outcome.exitCode === 127 && /not found|No such file/i.test(outcome.output))
    ) {
      code = 'ABRA_MISSING';
      reason = `cannot start ${JSON.stringify(this.#config.bin)}: not found (is abra on PATH?)`;
    } else {
      code = classifyFailure(fatalLines, outcome.output);
      reason = fatal ?? `exit code ${String(outcome.exitCode)}, no FATA line in its output`;
    }
    const output = inv.secretBearing
      ? [WITHHELD, ...fatalLines.map((m) => `FATA ${m}`)].join('\n')
      : info.output;
    this.#config.log.warn({ code, exitCode: info.exitCode }, `abra ${inv.label} failed`);
    return new AbraError(`abra ${inv.label} failed [${code}]: ${reason}`, {
      ...info,
      output,
      code,
      fatal,
      timedOut: outcome.timedOut,
      isAborted: outcome.aborted,
      cause: outcome.spawnError,
    });
  }
}
