/**
 * A scripted Docker Swarm for rung tests: the stacks abra deployed, their services (replicas,
 * health, labels, named volumes) and what is in those volumes. FakeAbra changes it (deploy,
 * `app run`, backup, restore), FakeProc reads it back the way rungs read the real swarm
 * (`docker service ls/inspect`, `docker ps`). Test-only.
 */

/** A container's health as `docker ps` shows it in STATUS; `none`: no healthcheck. */
type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

/** One service of the recipe, as a deploy brings it up. */
export interface FakeService {
  /** Short name (`app`), without the `<stack>_` prefix. */
  name: string;
  /** `running/desired` as `docker service ls` prints it. Default `1/1`. */
  replicas?: string;
  /**
   * Health of its running tasks, one value per `docker ps`; a list is played in order and its
   * last value stays (`['starting', 'healthy']`: healthy from the second look on). Default
   * `healthy`.
   */
  health?: Health | Health[];
  /** Service labels (deploy labels), e.g. `backupbot.backup: 'true'`. Default none. */
  labels?: Record<string, string>;
  /** Named volumes it mounts (name as in the compose file, mount target). Default none. */
  volumes?: { volume: string; target: string }[];
  /**
   * Carries abra's version label `coop-cloud.<stack>.version` (a recipe puts it on its app
   * service). Default: the first service does, the others do not.
   */
  versionLabel?: boolean;
}

/** A service on the swarm: its spec and the files written into its volumes. */
export interface LiveService {
  name: string;
  replicas: string;
  health: Health[];
  labels: Record<string, string>;
  volumes: { volume: string; target: string }[];
}

interface Stack {
  services: LiveService[];
  /** `<volume>` → path inside the volume → content. */
  volumes: Map<string, Map<string, string>>;
  backups: { id: string; volumes: Map<string, Map<string, string>> }[];
}

export class FakeSwarm {
  readonly #stacks = new Map<string, Stack>();
  /** Called after a deploy and after a restore: script what they do to the stack besides. */
  readonly after: { deploy?: (stack: string) => void; restore?: (stack: string) => void } = {};

  /** @param recipe What a deploy of the recipe brings up (every stack gets these services). */
  constructor(readonly recipe: readonly FakeService[]) {}

  /**
   * `abra app deploy`: the stack's services as the recipe has them (a first deploy) or as they
   * are (a redeploy keeps scripted changes), the version label `coop-cloud.<stack>.version` on
   * the first service, as abra sets it.
   */
  deploy(stack: string, version: string): void {
    const known = this.#stacks.get(stack);
    const services = known?.services.length
      ? known.services
      : this.recipe.map((s) => ({
          name: s.name,
          replicas: s.replicas ?? '1/1',
          health: Array.isArray(s.health) ? [...s.health] : [s.health ?? 'healthy'],
          labels: { ...s.labels },
          volumes: [...(s.volumes ?? [])],
        }));
    for (const [i, s] of this.recipe.entries()) {
      const live = services.find((x) => x.name === s.name);
      if (live && (s.versionLabel ?? i === 0)) live.labels[`coop-cloud.${stack}.version`] = version;
    }
    if (known) known.services = services;
    else this.#stacks.set(stack, { services, volumes: new Map(), backups: [] });
    this.after.deploy?.(stack);
  }

  /** `abra app undeploy`: the services go, the volumes stay. */
  undeploy(stack: string): void {
    const known = this.#stacks.get(stack);
    if (known) known.services = [];
  }

  /** The services of a stack (empty when nothing is deployed); mutate them to script changes. */
  services(stack: string): LiveService[] {
    return this.#stacks.get(stack)?.services ?? [];
  }

  /** One service of a stack, to script a change (`swarm.service(stack, 'app').replicas = '0/1'`). */
  service(stack: string, name: string): LiveService {
    const s = this.services(stack).find((x) => x.name === name);
    if (!s) throw new Error(`fake swarm: no service ${name} in stack ${stack}`);
    return s;
  }

  /** The health a `docker ps` sees now: the next scripted value, the last one staying. */
  nextHealth(s: LiveService): Health {
    return (s.health.length > 1 ? s.health.shift() : s.health[0]) ?? 'none';
  }

  /** Writes a file through a service's mount (`abra app run … sh -c 'printf … > path'`). */
  write(stack: string, service: string, path: string, content: string): void {
    const [volume, inner] = this.#resolve(stack, service, path);
    this.#volume(stack, volume).set(inner, content);
  }

  /** Reads a file through a service's mount; undefined when there is none. */
  read(stack: string, service: string, path: string): string | undefined {
    const [volume, inner] = this.#resolve(stack, service, path);
    return this.#volume(stack, volume).get(inner);
  }

  /** `abra app backup create`: a snapshot of every volume of the stack; returns its id. */
  backup(stack: string): string {
    const s = this.#stack(stack);
    const id = `snap${s.backups.length + 1}`;
    s.backups.push({ id, volumes: copyVolumes(s.volumes) });
    return id;
  }

  /** `abra app restore [--snapshot id]`: the volumes as the snapshot (default the newest) has them. */
  restore(stack: string, snapshot?: string): void {
    const s = this.#stack(stack);
    const b = snapshot ? s.backups.find((x) => x.id === snapshot) : s.backups.at(-1);
    if (!b) throw new Error(`fake swarm: no backup ${snapshot ?? ''} of ${stack}`);
    s.volumes = copyVolumes(b.volumes);
    this.after.restore?.(stack);
  }

  /** Empties a named volume (as a redeploy that recreated it, or a restore that missed it). */
  wipe(stack: string, volume: string): void {
    this.#stack(stack).volumes.delete(volume);
  }

  #stack(stack: string): Stack {
    const s = this.#stacks.get(stack);
    if (!s) throw new Error(`fake swarm: stack ${stack} is not deployed`);
    return s;
  }

  #volume(stack: string, volume: string): Map<string, string> {
    const volumes = this.#stack(stack).volumes;
    const v = volumes.get(volume) ?? new Map<string, string>();
    volumes.set(volume, v);
    return v;
  }

  /** The volume a path of a service's container is in, and the path inside it. */
  #resolve(stack: string, service: string, path: string): [volume: string, inner: string] {
    const s = this.service(stack, service);
    for (const m of s.volumes) {
      const target = m.target.replace(/\/$/, '');
      if (path.startsWith(`${target}/`)) return [m.volume, path.slice(target.length)];
    }
    // Outside every volume: the container's own layer, which a redeploy would lose.
    return [`(container ${service})`, path];
  }
}

function copyVolumes(v: Map<string, Map<string, string>>): Map<string, Map<string, string>> {
  return new Map([...v].map(([k, files]) => [k, new Map(files)]));
}
