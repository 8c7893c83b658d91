/** Options of `createRedactor`. */
export interface RedactorOptions {
  /**
   * Directory of secret files, one value per file, a trailing newline ignored. A missing
   * directory means no secrets. Default `/run/secrets`; `false` reads no directory.
   */
  secretsDir?: string | false;
  /** Further secret values known from the start. Default none. */
  values?: Iterable<string | Uint8Array>;
  /** Values (and encoded forms) shorter than this many bytes are ignored. Default 8, min 4. */
  minLength?: number;
  /** What replaces each masked stretch. Default `[REDACTED]`. */
  mask?: string;
  /**
   * A stream writes out bytes it holds back (a possible start of a secret) after this many
   * milliseconds without input, so live logs are not stuck. Default 100; at most 2³¹ − 1
   * (Node's timer limit).
   */
  idleFlushMs?: number;
}

export interface ResolvedOptions {
  secretsDir: string | false;
  values: Array<string | Uint8Array>;
  minLength: number;
  mask: string;
  idleFlushMs: number;
}

export const DEFAULT_MASK = '[REDACTED]';
/** The longest delay Node's `setTimeout` honours (2³¹ − 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function resolveOptions(options: RedactorOptions): ResolvedOptions {
  const {
    secretsDir = '/run/secrets',
    values = [],
    minLength = 8,
    mask = DEFAULT_MASK,
    idleFlushMs = 100,
  } = options;
  if (secretsDir !== false && (typeof secretsDir !== 'string' || secretsDir === '')) {
    throw new TypeError(
      `secretsDir must be a directory path or false, got ${describe(secretsDir)}`,
    );
  }
  if (!Number.isInteger(minLength) || minLength < 4) {
    throw new TypeError(`minLength must be an integer of at least 4, got ${describe(minLength)}`);
  }
  if (typeof mask !== 'string') {
    throw new TypeError(`mask must be a string, got ${describe(mask)}`);
  }
  // Node's timers take at most 2³¹ − 1 ms; a longer delay is silently cut to 1 ms (with only
  // a process warning), which would flush held bytes at once instead of never.
  if (
    typeof idleFlushMs !== 'number' ||
    !Number.isFinite(idleFlushMs) ||
    idleFlushMs < 0 ||
    idleFlushMs > MAX_TIMER_MS
  ) {
    throw new TypeError(
      `idleFlushMs must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${describe(idleFlushMs)}`,
    );
  }
  if (values === null || typeof values !== 'object' || !(Symbol.iterator in values)) {
    throw new TypeError(
      `values must be an iterable of strings or byte arrays, got ${describe(values)}`,
    );
  }
  const list = [...values];
  list.forEach((v, i) => {
    if (typeof v !== 'string' && !(v instanceof Uint8Array)) {
      // The element may be a secret in the wrong shape: name its type, never its content.
      throw new TypeError(`values[${i}] must be a string or a Uint8Array, got ${typeof v}`);
    }
  });
  return { secretsDir, values: list, minLength, mask, idleFlushMs };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) {
    return String(value);
  }
  return typeof value;
}
