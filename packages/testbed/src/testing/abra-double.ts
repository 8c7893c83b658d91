import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { shellQuote } from './shell-quote.js';

/** Folder holding the `abra` double executable (put it first on PATH). */
export const ABRA_DOUBLE_BIN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin');
/** Path of the `abra` double executable. */
export const ABRA_DOUBLE = join(ABRA_DOUBLE_BIN_DIR, 'abra');

/** The repository root (the pinned real abra is installed under `.tools/bin`). */
const REPO_ROOT = resolve(ABRA_DOUBLE_BIN_DIR, '../../..');

/** Which abra the e2e suites drive, and why. */
export interface TestAbra {
  bin: string;
  real: boolean;
  why: string;
}

/**
 * The abra the e2e suites use: `CCCI_TEST_ABRA` (`double`, or a path) when set; else the
 * pinned real abra that packages/testbed/scripts/abra.sh installed in `.tools/bin`; else the
 * double. Fault injection (`ABRA_DOUBLE_FAULT`) always needs the double.
 */
export function testAbra(
  env: Readonly<Record<string, string | undefined>> = process.env,
): TestAbra {
  const wanted = env['CCCI_TEST_ABRA'];
  if (wanted === 'double') return { bin: ABRA_DOUBLE, real: false, why: 'CCCI_TEST_ABRA=double' };
  if (wanted) return { bin: wanted, real: true, why: `CCCI_TEST_ABRA=${wanted}` };
  const real = join(REPO_ROOT, '.tools', 'bin', 'abra');
  try {
    accessSync(real, constants.X_OK);
    return { bin: real, real: true, why: `the pinned release in ${real}` };
  } catch {
    return {
      bin: ABRA_DOUBLE,
      real: false,
      why: 'no real abra installed (packages/testbed/scripts/abra.sh says why)',
    };
  }
}

export interface AbraDoubleEnv {
  /** The fresh `ABRA_DIR` (with `servers/<server>/` and `recipes/`). */
  abraDir: string;
  /** `{ PATH, ABRA_DIR }` to merge into a child's env. */
  env: { PATH: string; ABRA_DIR: string };
  /** Remove the ABRA_DIR. Swarm objects are the caller's to remove. */
  cleanup(): void;
}

/** A fresh ABRA_DIR temp dir with `servers/<server>` (default `default`) and the double on PATH. */
export function withAbraDouble(options: { server?: string } = {}): AbraDoubleEnv {
  const server = options.server ?? 'default';
  if (!/^[\w.-]+$/.test(server))
    throw new TypeError(
      `withAbraDouble: option server must be a plain name, got ${JSON.stringify(server)}`,
    );
  const abraDir = mkdtempSync(join(tmpdir(), 'ccci-abra-'));
  mkdirSync(join(abraDir, 'servers', server), { recursive: true });
  mkdirSync(join(abraDir, 'recipes'), { recursive: true });
  return {
    abraDir,
    env: {
      PATH: `${ABRA_DOUBLE_BIN_DIR}${delimiter}${process.env['PATH'] ?? ''}`,
      ABRA_DIR: abraDir,
    },
    cleanup: () => rmSync(abraDir, { recursive: true, force: true }),
  };
}

export interface RunAbraOptions {
  /** Extra env (e.g. `withAbraDouble().env`, `TIMEOUT`, `ABRA_DOUBLE_FAULT`). */
  env?: Record<string, string>;
  /** Run under a terminal (`script`); default true. false reproduces abra's no-TTY failure. */
  tty?: boolean;
  /** Kill after this many ms; default 180000. */
  timeoutMs?: number;
  /** Text for stdin (answers to prompts); default none. */
  input?: string;
}

export interface RunAbraResult {
  /** Exit status; 124 when killed for exceeding `timeoutMs`. */
  exitCode: number;
  /** stdout+stderr as the terminal showed them (CRLF → LF) — or just stdout without a tty. */
  output: string;
  stderr: string;
}

/**
 * Run the abra double (test helper): under a pseudo-terminal via util-linux
 * `script -qefc <command> /dev/null`, every argument quoted with {@link shellQuote}.
 */
export async function runAbraDouble(
  args: string[],
  options: RunAbraOptions = {},
): Promise<RunAbraResult> {
  const { env = {}, tty = true, timeoutMs = 180_000, input } = options;
  const common = {
    reject: false,
    timeout: timeoutMs,
    env: { SHELL: '/bin/sh', ...env },
    ...(input !== undefined ? { input } : { stdin: 'ignore' as const }),
  };
  const r = tty
    ? await execa(
        'script',
        ['-qefc', [ABRA_DOUBLE, ...args].map(shellQuote).join(' '), '/dev/null'],
        common,
      )
    : await execa(ABRA_DOUBLE, args, common);
  return {
    // `script` may exit 0 when killed: a timeout is always reported as 124 (like timeout(1)).
    exitCode: r.timedOut ? 124 : (r.exitCode ?? 1),
    output: String(r.stdout).replace(/\r\n/g, '\n'),
    stderr: String(r.stderr).replace(/\r\n/g, '\n'),
  };
}

/** Where a local harness-runner keeps its state, all under one folder, and what it reaches. */
export interface LocalHarnessOptions {
  /** Folder for `runs/`, `abra/`, `locks/`, `spool/` (and `no-secrets/`). */
  root: string;
  /** The operator enrolment folder (`createFixtureEnrolment`). */
  enrolmentDir: string;
  ciDomain: string;
  /** The testbed gateway's URL (traefik stand-in). */
  gatewayUrl: string;
}

/**
 * The environment of a harness-runner on this machine with the abra double first on PATH:
 * the `CCCI_*` host settings of tests, demos and benches, one definition for all of them.
 * `CCCI_SECRETS_DIR` points at an empty folder, so the host's `/run/secrets` is never read.
 */
export function localHarnessEnv(o: LocalHarnessOptions): Record<string, string> {
  return {
    PATH: `${ABRA_DOUBLE_BIN_DIR}${delimiter}${process.env['PATH'] ?? ''}`,
    CCCI_ABRA_BIN: testAbra().bin,
    CCCI_RUNS_DIR: join(o.root, 'runs'),
    CCCI_ABRA_DIR: join(o.root, 'abra'),
    CCCI_LOCKS_DIR: join(o.root, 'locks'),
    CCCI_SPOOL_DIR: join(o.root, 'spool'),
    CCCI_ENROLMENT_DIR: o.enrolmentDir,
    CCCI_CI_DOMAIN: o.ciDomain,
    CCCI_GATEWAY_URL: o.gatewayUrl,
    CCCI_SECRETS_DIR: join(o.root, 'no-secrets'),
  };
}
