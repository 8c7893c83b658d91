import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CHROMIUM_FLAGS } from '@ccci/contracts';
import { childScript } from './child-entry.js';
import type { ChildConfig, ChildEvent } from './playwright-contract.js';
import { specLabel } from './playwright-contract.js';
import type { Proc } from './proc.js';
import { handOver } from './sandbox.js';

export interface SpecRunOptions {
  /** Absolute paths of `tests/playwright/*.spec.{ts,js,mjs}` files. */
  files: readonly string[];
  /** Chromium executable (Debian's /usr/bin/chromium). */
  chromium: string;
  /** The gateway the browser uses as its proxy; without one the app is `https://<domain>`. */
  gatewayUrl: string | undefined;
  domain: string;
  /** Where failure screenshots go. */
  artifactsDir: string;
  /**
   * A folder of the run's for the spec children's results and screenshots (the only place they
   * may write). Default: a temporary folder.
   */
  scratchDir?: string;
  proc: Proc;
  /** Per test. Default 60 000 ms. */
  testTimeoutMs?: number;
  /** Per spec file (its child process), for a test that blocks the event loop. Default 600 000 ms. */
  fileTimeoutMs?: number;
  /**
   * Extra variables for the spec children (e.g. `CCCI_DEP_<NAME>_…_FILE` paths). Never secret
   * values: they are files. Default none.
   */
  env?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

export type SpecResult = ChildEvent;

/** The browser-facing base URL: through the gateway proxy `http://<domain>`, else https. */
function browserBaseUrl(gatewayUrl: string | undefined, domain: string): string {
  return gatewayUrl ? `http://${domain}` : `https://${domain}`;
}

/**
 * What a spec child recorded: its results file (written by recipe code's process, so bounded and
 * checked line by line; a line that is not a result is skipped).
 */
function readResults(file: string): SpecResult[] {
  if (!existsSync(file)) return [];
  const st = lstatSync(file);
  if (!st.isFile() || st.size > 16 * 1024 * 1024) return [];
  const out: SpecResult[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line || out.length >= 5_000) continue;
    try {
      const r = JSON.parse(line) as Partial<SpecResult>;
      if (typeof r.name === 'string' && (r.status === 'pass' || r.status === 'fail'))
        out.push({
          name: r.name.slice(0, 500),
          status: r.status,
          ms: typeof r.ms === 'number' && Number.isFinite(r.ms) ? r.ms : 0,
          ...(typeof r.reason === 'string' ? { reason: r.reason.slice(0, 2_000) } : {}),
          ...(typeof r.screenshot === 'string' ? { screenshot: r.screenshot.slice(0, 200) } : {}),
        });
    } catch {
      // not a result line
    }
  }
  return out;
}

/**
 * Failure screenshots a run keeps, at most: they go to the bot in the report (64 MiB at most,
 * with the log), so a spec that fails a thousand tests does not cost the run its results.
 */
export const SHOT_BUDGET = { count: 20, bytes: 32 * 1024 * 1024 } as const;

/**
 * The failure screenshots the child left, into the artifacts: plain files of the expected name,
 * at most 10 MB each, while the run's {@link SHOT_BUDGET} lasts (the others are removed).
 */
export function collectShots(from: string, to: string): void {
  const isShot = (name: string) => /^playwright-[A-Za-z0-9_.-]+\.png$/.test(name);
  const kept = readdirSync(to).filter(isShot);
  let count = kept.length;
  let bytes = kept.reduce((n, name) => n + lstatSync(join(to, name)).size, 0);
  for (const name of readdirSync(from).sort()) {
    const file = join(from, name);
    const st = lstatSync(file);
    if (
      isShot(name) &&
      st.isFile() &&
      st.size <= 10 * 1024 * 1024 &&
      count < SHOT_BUDGET.count &&
      bytes + st.size <= SHOT_BUDGET.bytes
    ) {
      copyFileSync(file, join(to, name));
      count += 1;
      bytes += st.size;
    }
    rmSync(file, { recursive: true, force: true });
  }
}

/**
 * Runs the spec files, each in its own node child in the sandbox with its own Chromium (launched
 * there: the spec's browser sees only the sandbox and dies with it), each test in a fresh
 * browser context with its own time limit. A spec that throws, hangs or kills its process fails
 * with a reason; the run goes on.
 */
export async function runPlaywrightSpecs(o: SpecRunOptions): Promise<SpecResult[]> {
  const testTimeoutMs = o.testTimeoutMs ?? 60_000;
  const fileTimeoutMs = o.fileTimeoutMs ?? 600_000;
  const scratch = o.scratchDir ?? mkdtempSync(join(tmpdir(), 'ccci-pw-'));
  const shots = join(scratch, 'shots');
  mkdirSync(shots, { recursive: true, mode: 0o700 });
  // The spec child writes only here (sandbox.ts): results and screenshots, never the artifacts.
  const credentialFiles = Object.entries(o.env ?? {})
    .filter(([k]) => k.endsWith('_FILE'))
    .map(([, v]) => v);
  if (o.proc.sandboxHost) handOver(o.proc.sandboxHost, [scratch, ...credentialFiles]);
  const results: SpecResult[] = [];
  try {
    for (const [i, file] of o.files.entries()) {
      const resultsFile = join(scratch, `${i}.jsonl`);
      const config: ChildConfig = {
        chromium: o.chromium,
        // `*.localhost` would bypass a proxy as loopback, hence `<-loopback>` (as the screenshot).
        args: [...CHROMIUM_FLAGS, '--proxy-bypass-list=<-loopback>', '--disable-dev-shm-usage'],
        proxy: o.gatewayUrl,
        file,
        baseUrl: browserBaseUrl(o.gatewayUrl, o.domain),
        domain: o.domain,
        artifactsDir: shots,
        resultsFile,
        testTimeoutMs,
      };
      let ended: string | undefined;
      try {
        // Sandboxed: spec code sees its own folder and the credential files it is given, and
        // writes only the scratch folder; never the harness's environment (report key…).
        const r = await o.proc.run(process.execPath, childScript('playwright-child'), {
          env: { ...o.env, CCCI_PW_CONFIG: JSON.stringify(config) },
          isolatedEnv: true,
          sandbox: {
            read: [dirname(file), ...credentialFiles],
            write: [scratch],
          },
          timeoutMs: fileTimeoutMs,
          allowFailure: true,
          ...(o.signal ? { signal: o.signal } : {}),
        });
        if (r.exitCode !== 0) {
          const last = r.stderr.trim().split('\n').at(-1) ?? '';
          ended = `spec process exited ${r.exitCode}${last ? `: ${last.slice(0, 300)}` : ''}`;
        }
      } catch (error) {
        if (o.signal?.aborted) throw error;
        ended = `spec process killed after ${fileTimeoutMs} ms (did a test block the event loop?)`;
      }
      const got = readResults(resultsFile);
      results.push(...got);
      collectShots(shots, o.artifactsDir);
      if (ended) results.push({ name: specLabel(file), status: 'fail', ms: 0, reason: ended });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return results;
}
