import { Transform } from 'node:stream';

/**
 * Masks every registered secret (length ≥ 8) and its common encodings in text.
 * Stand-in adapter until @ccci/redact lands; the engine only uses this interface.
 */
export class Redactor {
  readonly #values = new Set<string>();
  #pattern: RegExp | null = null;

  add(secret: string): void {
    if (typeof secret !== 'string' || secret.length < 8) return;
    for (const v of [
      secret,
      Buffer.from(secret).toString('base64'),
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
    ]) {
      if (v.length >= 8) this.#values.add(v);
    }
    this.#pattern = null;
  }

  get size(): number {
    return this.#values.size;
  }

  redact(text: string): string {
    if (this.#values.size === 0) return text;
    this.#pattern ??= new RegExp(
      [...this.#values]
        .sort((a, b) => b.length - a.length)
        .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return text.replace(this.#pattern, '[REDACTED]');
  }

  /** True when `text` still holds a registered secret. */
  leaks(text: string): boolean {
    return [...this.#values].some((v) => text.includes(v));
  }

  /** A line-buffered transform: masks whole lines, so a secret split across chunks is caught. */
  stream(): Transform {
    let pending = '';
    return new Transform({
      transform: (chunk: Buffer | string, _enc, done) => {
        pending += chunk.toString();
        const cut = pending.lastIndexOf('\n');
        if (cut < 0) return done();
        const out = pending.slice(0, cut + 1);
        pending = pending.slice(cut + 1);
        done(null, this.redact(out));
      },
      flush: (done) => done(null, this.redact(pending)),
    });
  }
}
