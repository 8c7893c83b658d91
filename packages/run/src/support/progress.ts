import type { Writable } from 'node:stream';

/**
 * What people follow: in a terminal, one line rewritten in place with the current rung, step
 * and elapsed time; elsewhere (CI logs), plain timestamped lines. Text passes the redactor
 * before it gets here.
 */
export class Progress {
  #rung = 'prepare';
  #step = '';
  #started = Date.now();
  #stepStarted = Date.now();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: Writable & { isTTY?: boolean },
    private readonly clock: () => Date = () => new Date(),
  ) {
    if (this.tty) {
      this.#timer = setInterval(() => this.#draw(), 1000);
      this.#timer.unref();
    }
  }

  get tty(): boolean {
    return this.out.isTTY === true;
  }

  step(rung: string, step: string): void {
    this.#rung = rung;
    this.#step = step;
    this.#stepStarted = Date.now();
    if (this.tty) this.#draw();
    else this.line(`${rung}: ${step}`);
  }

  /** A line that stays (results, warnings). */
  line(text: string): void {
    if (this.tty) this.out.write(`\r\x1b[2K${text}\n`);
    else this.out.write(`${this.clock().toISOString()} ${text}\n`);
    if (this.tty) this.#draw();
  }

  /** Text printed as is (the final summary). */
  block(text: string): void {
    if (this.tty) this.out.write('\r\x1b[2K');
    this.out.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.tty) this.out.write('\r\x1b[2K');
  }

  #draw(): void {
    const s = (ms: number) => `${Math.round(ms / 1000)}s`;
    this.out.write(
      `\r\x1b[2K▸ ${this.#rung} · ${this.#step} · ${s(Date.now() - this.#stepStarted)} (run ${s(Date.now() - this.#started)})`,
    );
  }
}
