import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface FixtureEvent {
  event: string;
  at: number;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** A real node process running `test/fixtures/<name>.ts` under tsx. */
export class Fixture {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: FixtureEvent[] = [];
  readonly exited: Promise<Exit>;
  private listeners: (() => void)[] = [];
  private stderr = '';
  private exit: Exit | undefined;

  constructor(name: string, argv: string[] = [], env: Record<string, string> = {}) {
    this.child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join('test', 'fixtures', `${name}.ts`), ...argv],
      { cwd: packageDir, env: { ...process.env, ...env }, stdio: 'pipe' },
    );
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as FixtureEvent);
      } catch {
        this.events.push({ event: 'stdout', at: Date.now(), line });
      }
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.exit = { code, signal, stderr: this.stderr };
        this.notify();
        resolve(this.exit);
      });
    });
  }

  private notify(): void {
    for (const l of this.listeners.splice(0)) l();
  }

  /** The first event named `name` (already received or still to come). */
  async next(name: string): Promise<FixtureEvent> {
    for (;;) {
      const found = this.events.find((e) => e.event === name);
      if (found) return found;
      if (this.exit) {
        throw new Error(
          `fixture exited (${this.exit.code ?? this.exit.signal}) before "${name}"; stderr:\n${this.exit.stderr}`,
        );
      }
      await new Promise<void>((r) => this.listeners.push(r));
    }
  }

  /** The first event whose name is one of `names`. */
  async nextOf(...names: string[]): Promise<FixtureEvent> {
    return Promise.any(names.map((n) => this.next(n)));
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }
}
