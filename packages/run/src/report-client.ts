import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SendReportOptions {
  /** trigger-bot base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The run-scoped key (sent as `Authorization: Bearer`). Never logged. */
  key: string;
  runId: string;
  /** Folder with results.json and the other artifacts. */
  artifactsDir: string;
  /** Where the report waits when the bot is unreachable: `<spoolDir>/<runId>/`. */
  spoolDir: string;
  /** Attempts before spooling. Default 5. */
  attempts?: number;
  /** First backoff in ms, doubled each retry. Default 500. */
  backoffMs?: number;
  /** Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Default: nothing. */
  log?: (message: string) => void;
}

export type SendOutcome =
  | { sent: true; attempts: number }
  | { sent: false; spooled: string; reason: string };

const ARTIFACT =
  /^(results\.json|card\.svg|card\.png|badge\.svg|comment\.md|run\.log|screenshot\.png)$/;

/** The request body: results plus each artifact base64-encoded. */
export function reportBody(runId: string, artifactsDir: string): string {
  const files = readdirSync(artifactsDir).filter((f) => ARTIFACT.test(f));
  const results = files.includes('results.json')
    ? (JSON.parse(readFileSync(join(artifactsDir, 'results.json'), 'utf8')) as unknown)
    : null;
  return JSON.stringify({
    run_id: runId,
    results,
    artifacts: files.map((name) => ({
      name,
      base64: readFileSync(join(artifactsDir, name)).toString('base64'),
    })),
  });
}

/**
 * POSTs the run's results and artifacts to trigger-bot (`/api/runs/<runId>/report`),
 * retrying 5xx, 429 and network errors with exponential backoff; a 4xx other than 429 is not
 * retried. When it cannot be delivered the body goes to the spool folder for a later resend.
 * Never throws.
 */
export async function sendReport(options: SendReportOptions): Promise<SendOutcome> {
  const { url, key, runId, attempts = 5, backoffMs = 500, log = () => {} } = options;
  const doFetch = options.fetch ?? fetch;
  let body: string;
  try {
    body = reportBody(runId, options.artifactsDir);
  } catch (error) {
    return { sent: false, spooled: '', reason: `report not readable: ${(error as Error).message}` };
  }
  const endpoint = `${url.replace(/\/$/, '')}/api/runs/${encodeURIComponent(runId)}/report`;
  let reason = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await doFetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      if (res.ok) return { sent: true, attempts: attempt };
      reason = `HTTP ${res.status}`;
      if (res.status >= 400 && res.status < 500 && res.status !== 429) break;
    } catch (error) {
      reason = (error as Error).message;
    }
    log(`report attempt ${attempt}/${attempts} failed: ${reason}`);
    if (attempt < attempts) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
  }
  const spooled = join(options.spoolDir, runId);
  mkdirSync(spooled, { recursive: true });
  writeFileSync(join(spooled, 'report.json'), body, { mode: 0o600 });
  writeFileSync(join(spooled, 'endpoint'), `${endpoint}\n`);
  return { sent: false, spooled, reason };
}
