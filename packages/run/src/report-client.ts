import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { retry } from '@ccci/backoff';
import { isArtifactName } from '@ccci/results';
import { RunError } from './errors.js';

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

/** The request body: results plus each artifact base64-encoded. */
export function reportBody(runId: string, artifactsDir: string): string {
  const files = readdirSync(artifactsDir).filter(isArtifactName);
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
  const attempt = async (n: number): Promise<SendOutcome> => {
    let final = false;
    try {
      const res = await postReport(doFetch, endpoint, key, body);
      if (res.ok) return { sent: true, attempts: n };
      reason = `HTTP ${res.status}`;
      final = isFinal(res.status);
    } catch (error) {
      reason = (error as Error).message;
    }
    log(`report attempt ${n}/${attempts} failed: ${reason}`);
    throw new ReportNotTaken(final);
  };
  try {
    return await retry(attempt, {
      retries: attempts - 1,
      backoff: { firstMs: backoffMs },
      shouldRetry: (error) => !(error instanceof ReportNotTaken && error.final),
    });
  } catch {
    // Not delivered: spooled below for a later resend.
  }
  const spooled = join(options.spoolDir, runId);
  try {
    spool(spooled, { body, endpoint, key });
  } catch (error) {
    return { sent: false, spooled: '', reason: `${reason}; not spooled: ${errorCode(error)}` };
  }
  return { sent: false, spooled, reason };
}

/** A failed report attempt; `final` when the bot's answer rules out another. */
class ReportNotTaken extends RunError {
  constructor(readonly final: boolean) {
    super('RUN_REPORT_NOT_TAKEN', 'report not taken');
  }
}

/** One POST of a report body to the bot with the run-scoped key. */
function postReport(
  doFetch: typeof fetch,
  endpoint: string,
  key: string,
  body: string | Buffer,
): Promise<Response> {
  return doFetch(endpoint, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(30_000),
  });
}

/** The bot's answer is final (a 4xx other than 429): neither retried nor resent. */
const isFinal = (status: number) => status >= 400 && status < 500 && status !== 429;

/**
 * Writes one spool entry. The key is kept (mode 0600) because the run's environment is gone
 * by resend time; `endpoint` is written last, atomically, so a resend running at the same time
 * never sends a half-written report (a truncated body would get a final 400 and be deleted).
 */
function spool(dir: string, entry: { body: string; endpoint: string; key: string }): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const put = (name: string, data: string) => {
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, join(dir, name));
  };
  put('key', `${entry.key}\n`);
  put('report.json', entry.body);
  put('endpoint', `${entry.endpoint}\n`);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

export interface ResendSpoolOptions {
  /** The spool folder `sendReport` writes to (`CCCI_SPOOL_DIR`). A missing folder is empty. */
  spoolDir: string;
  /** Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** One line per spooled report (`<run id>: delivered` …); never the key. Default: nothing. */
  log?: (message: string) => void;
}

/**
 * `delivered`: 200, spool entry deleted. `final`: a 4xx other than 429 (the bot will never take
 * it: 409 run over or past LATE_REPORT_HOURS, 401, 404, 400, 422), entry deleted. `kept`: 5xx,
 * 429, network error or an incomplete entry; left for the next resend.
 */
export type ResendStatus = 'delivered' | 'final' | 'kept';

export interface ResendItem {
  runId: string;
  status: ResendStatus;
  /** `HTTP 409: …` or the network error; empty when delivered. Never contains the key. */
  reason: string;
}

export interface ResendSummary {
  delivered: number;
  final: number;
  kept: number;
  items: ResendItem[];
}

/**
 * Resends each spooled report once (`POST <endpoint>` with its kept key, see
 * docs/trigger-bot.md "Late (spooled) reports") and applies the bot's answer: delivered and
 * final entries are deleted, the others kept for a later resend. Never throws.
 */
export async function resendSpool(options: ResendSpoolOptions): Promise<ResendSummary> {
  const { spoolDir, log = () => {} } = options;
  const doFetch = options.fetch ?? fetch;
  const summary: ResendSummary = { delivered: 0, final: 0, kept: 0, items: [] };
  let names: string[] = [];
  try {
    names = readdirSync(spoolDir)
      .filter((n) => !n.startsWith('.'))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      log(`spool ${spoolDir} not readable: ${errorCode(error)}`);
      summary.kept++;
      summary.items.push({ runId: '', status: 'kept', reason: `spool not readable` });
    }
    return summary;
  }
  for (const runId of names) {
    const dir = join(spoolDir, runId);
    if (!isDir(dir)) continue;
    const item = await resendOne(runId, dir, doFetch);
    summary[item.status]++;
    summary.items.push(item);
    log(`${runId}: ${item.status}${item.reason ? ` (${item.reason})` : ''}`);
  }
  return summary;
}

async function resendOne(runId: string, dir: string, doFetch: typeof fetch): Promise<ResendItem> {
  const kept = (reason: string): ResendItem => ({ runId, status: 'kept', reason });
  for (const name of ['endpoint', 'report.json', 'key']) {
    // Spools from before the key was kept cannot be resent here; see docs/runbook.md.
    if (!existsSync(join(dir, name))) return kept(`incomplete spool entry: no ${name} file`);
  }
  let endpoint: string;
  let key: string;
  let body: Buffer;
  try {
    endpoint = readFileSync(join(dir, 'endpoint'), 'utf8').trim();
    key = readFileSync(join(dir, 'key'), 'utf8').trim();
    body = readFileSync(join(dir, 'report.json'));
  } catch (error) {
    return kept(`spool entry not readable: ${errorCode(error)}`);
  }
  if (!/^https?:\/\/\S+$/.test(endpoint)) return kept('endpoint file: expected an http(s) URL');
  if (key === '') return kept('key file is empty');
  const hide = (text: string) => text.split(key).join('***');
  let status: number;
  let detail = '';
  try {
    const res = await postReport(doFetch, endpoint, key, body);
    status = res.status;
    if (!res.ok) detail = await errorDetail(res);
  } catch (error) {
    return kept(hide((error as Error).message));
  }
  const reason = hide(`HTTP ${status}${detail ? `: ${detail}` : ''}`);
  if (status >= 200 && status < 300) {
    rmSync(dir, { recursive: true, force: true });
    return { runId, status: 'delivered', reason: '' };
  }
  if (isFinal(status)) {
    rmSync(dir, { recursive: true, force: true });
    return { runId, status: 'final', reason };
  }
  return kept(reason);
}

/** The bot's `{ error }` (or a short text) — for the operator's log line. */
async function errorDetail(res: Response): Promise<string> {
  try {
    const text = (await res.text()).trim();
    let message = text;
    try {
      const json = JSON.parse(text) as { error?: unknown; message?: unknown };
      const m = json.error ?? json.message;
      if (typeof m === 'string') message = m;
    } catch {}
    return message.replace(/\s+/g, ' ').slice(0, 200);
  } catch {
    return '';
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
