import { InfraError } from '../../src/errors.js';
import {
  commandFailed,
  Proc,
  type ProcOptions,
  type ProcResult,
  type ProcSink,
} from '../../src/support/proc.js';
import type { FakeSwarm, LiveService } from './fake-swarm.js';

/** One child a rung asked for. */
interface ProcCall {
  cmd: string;
  args: readonly string[];
}

/**
 * The run's `Proc` with `docker` answered from a {@link FakeSwarm}: `service ls`, `service
 * inspect`, `ps` with the `--filter`/`--format` the rungs use (support/services.ts, health.ts).
 * Every other command (git on the recipe clone, recipe tests) runs for real, unsandboxed.
 * Failures behave as Proc's: a non-zero exit throws a CommandError unless `allowFailure`.
 */
export class FakeProc extends Proc {
  readonly calls: ProcCall[] = [];
  #waiters: { match: (c: ProcCall) => boolean; resolve: () => void }[] = [];

  constructor(
    readonly swarm: FakeSwarm,
    sink: ProcSink,
  ) {
    super(sink);
  }

  /** The docker calls made so far, each as one line (`service ls`, `ps`, …). */
  get dockerCalls(): string[] {
    return this.calls.filter((c) => c.cmd === 'docker').map((c) => verbOf(c.args));
  }

  /** Resolves once a child matching `match` has been asked for (an awaited condition). */
  started(match: (c: ProcCall) => boolean): Promise<void> {
    if (this.calls.some(match)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  override async run(
    cmd: string,
    args: readonly string[],
    options: ProcOptions = {},
  ): Promise<ProcResult> {
    const call = { cmd, args: [...args] };
    this.calls.push(call);
    for (const w of this.#waiters.filter((x) => x.match(call))) w.resolve();
    this.#waiters = this.#waiters.filter((x) => !x.match(call));
    if (cmd !== 'docker') return super.run(cmd, args, options);
    if (options.signal?.aborted)
      throw new InfraError(`${cmd} not started: the run is being torn down`);
    const r = this.#docker(args);
    if (r.exitCode !== 0 && !options.allowFailure) {
      const label = [cmd, ...args.slice(0, 3)].join(' ');
      throw commandFailed(label, `exited ${r.exitCode}`, { ...r, command: [cmd, ...args] });
    }
    return { ...r, durationMs: 0 };
  }

  #docker(args: readonly string[]): Omit<ProcResult, 'durationMs'> {
    const format = option(args, '--format') ?? '';
    const stack = /^label=com\.docker\.stack\.namespace=(.+)$/.exec(
      option(args, '--filter') ?? '',
    )?.[1];
    const ok = (rows: Record<string, unknown>[]) => ({
      exitCode: 0,
      stdout: rows.map((row) => `${render(format, row)}\n`).join(''),
      stderr: '',
    });
    const verb = verbOf(args);
    if (verb === 'service ls' && stack)
      return ok(
        this.swarm
          .services(stack)
          .map((s) => ({ Name: `${stack}_${s.name}`, Replicas: s.replicas })),
      );
    if (verb === 'service inspect') {
      const names = positional(args.slice(2));
      const specs: Record<string, unknown>[] = [];
      for (const name of names) {
        const found = this.#byFullName(name);
        if (!found) return { exitCode: 1, stdout: '', stderr: `Error: no such service: ${name}\n` };
        specs.push({ Spec: spec(found.stack, found.service) });
      }
      return ok(specs);
    }
    if (verb === 'ps' && stack)
      return ok(
        this.swarm.services(stack).flatMap((s) =>
          Array.from({ length: running(s) }, (_, i) => {
            const health = this.swarm.nextHealth(s);
            return {
              Names: `${stack}_${s.name}.${i + 1}.fake${i}`,
              Status: `Up 5 seconds${health === 'none' ? '' : ` (${health === 'starting' ? 'health: starting' : health})`}`,
            };
          }),
        ),
      );
    return {
      exitCode: 1,
      stdout: '',
      stderr: `fake docker: "docker ${args.join(' ')}" is not scripted\n`,
    };
  }

  #byFullName(name: string): { stack: string; service: LiveService } | undefined {
    const cut = name.lastIndexOf('_');
    const stack = name.slice(0, cut);
    const service = this.swarm.services(stack).find((s) => `${stack}_${s.name}` === name);
    return service ? { stack, service } : undefined;
  }
}

/** Docker's service spec as `docker service inspect --format '{{json .Spec}}'` prints it. */
function spec(stack: string, s: LiveService): object {
  return {
    Name: `${stack}_${s.name}`,
    Labels: { 'com.docker.stack.namespace': stack, ...s.labels },
    TaskTemplate: {
      ContainerSpec: {
        Mounts: s.volumes.map((v) => ({
          Type: 'volume',
          Source: `${stack}_${v.volume}`,
          Target: v.target,
        })),
      },
    },
  };
}

/** Running tasks: the first number of `running/desired`. */
function running(s: LiveService): number {
  return Number(/^(\d+)/.exec(s.replicas)?.[1] ?? 0);
}

/** The subcommand: `service ls`, `service inspect`, `ps`. */
function verbOf(args: readonly string[]): string {
  return args[0] === 'service' ? `service ${args[1] ?? ''}` : (args[0] ?? '');
}

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

/** Arguments that are neither options nor their values. */
function positional(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i]?.startsWith('--')) i++;
    else out.push(args[i] as string);
  }
  return out;
}

/** The Go templates the harness passes: `{{.Field}}` and `{{json .Field}}`. */
function render(format: string, row: Record<string, unknown>): string {
  return format.replace(/\{\{(json )?\.(\w+)\}\}/g, (_, json: string | undefined, key: string) =>
    json ? JSON.stringify(row[key]) : String(row[key] ?? ''),
  );
}
