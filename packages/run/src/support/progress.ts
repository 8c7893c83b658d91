import type { Writable } from 'node:stream';
import { markHidden } from '@ccci/results';

/**
 * What people follow: in a terminal, one line rewritten in place with the current rung, step
 * and elapsed time; elsewhere (CI logs), plain timestamped lines. Text passes the redactor
 * before it gets here, and is written one line for one line: a line break or a control in it
 * (a recipe's test name, a reason) is shown as a mark, so it cannot draw a line of ours
 * (`lint: pass`) or move the cursor.
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
    this.#rung = markHidden(rung);
    this.#step = markHidden(step);
    this.#stepStarted = Date.now();
    if (this.tty) this.#draw();
    else this.line(`${rung}: ${step}`);
  }

  /** A line that stays (results, warnings). */
  line(raw: string): void {
    const text = markHidden(raw);
    if (this.tty) this.out.write(`\r\x1b[2K${text}\n`);
    else this.out.write(`${this.clock().toISOString()} ${text}\n`);
    if (this.tty) this.#draw();
  }

  /** Text printed as is (the final summary). */
  block(raw: string): void {
    const text = raw.replace(/\n$/, '').split('\n').map(markHidden).join('\n');
    if (this.tty) this.out.write('\r\x1b[2K');
    this.out.write(`${text}\n`);
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
