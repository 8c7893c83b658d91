import { posix } from 'node:path';
import { isMap, isSeq, type Node } from 'yaml';
import { interpolate } from './interpolate.js';
import type { Rule, Violation } from './types.js';
import type { Nav } from './yaml-nav.js';

const EXCEPTION_HINT =
  'If the recipe truly needs it, an operator can allow this rule for this service in ' +
  'recipes/<recipe>/recipe_meta.yml under COMPOSE_POLICY_EXCEPTIONS, with a reason.';

const SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

/**
 * External networks every app may join: `proxy`, the network abra's recipes share with traefik.
 * Any other external network is another app's (rule `foreign-object`).
 */
const SHARED_NETWORKS: readonly string[] = ['proxy'];

/** Docker's loader casts these strings to booleans (`read_only`, `external`). */
const TRUE = /^(y|yes|true|on)$/i;
const FALSE = /^(n|no|false|off)$/i;

/** Service keys that share a host namespace when set to `host`: the rule and the namespace. */
const HOST_NAMESPACES: ReadonlyMap<string, readonly [Rule, string]> = new Map([
  ['network_mode', ['host-network', 'network']],
  ['pid', ['host-pid', 'process']],
  ['ipc', ['host-ipc', 'IPC']],
  ['userns_mode', ['host-userns', 'user']],
  ['uts', ['host-uts', 'UTS']],
]);

/** Collects findings for one file; values are interpolated with the app env first. */
export class FileChecker {
  readonly found: Violation[] = [];

  constructor(
    readonly file: string,
    readonly nav: Nav,
    readonly env: Readonly<Record<string, string>>,
    readonly allowedBindPrefixes: readonly string[],
    readonly allowedCapabilities: ReadonlySet<string>,
    readonly mode: { interpolated: boolean; recipeRoot: string | undefined } = {
      interpolated: false,
      recipeRoot: undefined,
    },
  ) {}

  add(node: Node | null, service: string, rule: Rule, what: string, hint: string): void {
    const line = this.nav.line(node);
    this.found.push({
      file: this.file,
      line,
      service,
      rule,
      message: `${this.file}:${line}: ${service.includes('.') ? service : `service "${service}"`} ${what}`,
      hint: `${hint} ${EXCEPTION_HINT}`,
    });
  }

  /** Interpolated scalar, or null; an unresolved variable in a checked value is itself refused. */
  value(node: Node | null, service: string, key: string): string | null {
    const raw = this.nav.scalar(node);
    if (raw === null) return null;
    if (this.mode.interpolated) return raw;
    const { value, unresolved } = interpolate(raw, this.env);
    if (unresolved.length > 0) {
      this.add(
        node,
        service,
        'unresolved-variable',
        `sets ${key} from \${${unresolved.join('}, ${')}}, which has no value, so the policy cannot verify it`,
        `Give ${key} a literal value, or set the variable in the app env (.env.sample or EXTRA_ENV).`,
      );
      return null;
    }
    return value;
  }

  service(name: string, svc: Node | null, hostNetworks: ReadonlySet<string>): void {
    for (const { key, value, at } of this.nav.entries(svc)) {
      const namespace = HOST_NAMESPACES.get(key);
      if (namespace) this.namespace(at, value, name, key, ...namespace);
      switch (key) {
        case 'privileged':
          if (/^(true|yes|on|1)$/i.test(this.value(value, name, key) ?? '')) {
            this.add(
              at,
              name,
              'privileged',
              'sets privileged: true, which hands the container the host',
              'Remove privileged.',
            );
          }
          break;
        case 'networks':
          this.networks(value, name, hostNetworks);
          break;
        case 'env_file':
          for (const item of isSeq(this.nav.resolve(value)) ? this.nav.items(value) : [value]) {
            const path = isMap(this.nav.resolve(item)) ? this.nav.get(item, 'path')?.value : item;
            const file = this.value(path ?? null, name, key);
            if (file !== null) this.recipePath(file, path ?? at, name, 'env_file');
          }
          break;
        case 'extends':
          this.add(
            at,
            name,
            'host-file',
            "uses extends, which reads another compose file; Docker's stack loader refuses it",
            'Write the service out in full, or use an overlay named by COMPOSE_FILE.',
          );
          break;
        case 'volumes':
          for (const item of this.nav.items(value)) this.volume(item, name);
          break;
        case 'cap_add':
          for (const item of this.nav.items(value)) this.capability(item, name);
          break;
        case 'devices':
          if (this.nav.items(value).length > 0 || isMap(value)) {
            this.add(
              at,
              name,
              'devices',
              'maps host devices into the container',
              'Remove devices.',
            );
          }
          break;
        case 'security_opt':
          for (const item of this.nav.items(value)) {
            const opt = this.value(item, name, key) ?? '';
            if (/unconfined|^label[:=]disable$|^no-new-privileges[:=]false$/i.test(opt)) {
              this.add(
                item,
                name,
                'security-opt',
                `sets security_opt "${opt}", which lifts the host's confinement`,
                'Remove the option.',
              );
            }
          }
          break;
      }
    }
  }

  private namespace(
    at: Node | null,
    value: Node | null,
    name: string,
    key: string,
    rule: Rule,
    what: string,
  ): void {
    if (this.value(value, name, key)?.trim() === 'host') {
      this.add(
        at,
        name,
        rule,
        `sets ${key}: host, which shares the host's ${what} namespace`,
        `Remove ${key}.`,
      );
    }
  }

  private networks(value: Node | null, name: string, hostNetworks: ReadonlySet<string>): void {
    const refs: { net: string; at: Node | null }[] = isSeq(value)
      ? this.nav.items(value).map((n) => ({ net: this.nav.scalar(n) ?? '', at: n }))
      : this.nav.entries(value).map((e) => ({ net: e.key, at: e.at }));
    for (const { net, at } of refs) {
      if (hostNetworks.has(net)) {
        this.add(
          at,
          name,
          'host-network',
          `attaches to network "${net}", which is the host's network`,
          'Use the stack network or the shared proxy network.',
        );
      }
    }
  }

  private volume(item: Node, name: string): void {
    if (isMap(item)) {
      const type = this.value(this.nav.get(item, 'type')?.value ?? null, name, 'volumes.type');
      const source = this.nav.get(item, 'source');
      if (type === 'bind' && source) {
        const src = this.value(source.value, name, 'volumes.source');
        const ro = this.value(this.nav.get(item, 'read_only')?.value ?? null, name, 'read_only');
        if (src !== null) this.bind(src, source.at, name, TRUE.test(ro ?? ''));
      }
      return;
    }
    const spec = this.value(item, name, 'volumes');
    if (spec === null) return;
    const parts = spec.split(':');
    if (parts.length < 2) return; // anonymous volume: only a container path
    const src = parts[0] as string;
    // Docker reads the mode's options in order: the last of `ro`/`rw` wins.
    const mode = (parts[2] ?? '').split(',').filter((o) => o === 'ro' || o === 'rw');
    if (/^[/.~]/.test(src)) this.bind(src, item, name, mode.at(-1) === 'ro');
  }

  /**
   * A host path bound into a container (service volume or local-driver volume with a device).
   * An allowed path is shown to the app, never handed over: it must be bound read-only.
   */
  bind(source: string, at: Node | null, name: string, readOnly: boolean): void {
    if (!source.startsWith('/')) {
      this.add(
        at,
        name,
        'host-bind',
        `bind-mounts the host path "${source}"; relative and home paths can reach anywhere on the host (symlinks)`,
        'Use a named volume, or a config for a file.',
      );
      return;
    }
    const path = posix.normalize(source).replace(/(.)\/+$/, '$1');
    if (SOCKETS.some((s) => s === path || s.startsWith(path === '/' ? '/' : `${path}/`))) {
      this.add(
        at,
        name,
        'docker-socket',
        `bind-mounts "${source}", which exposes the Docker socket: full control of the host`,
        'Remove the bind mount; CI apps never get the Docker API.',
      );
      return;
    }
    const allowed = this.allowedBindPrefixes.some((p) => {
      const prefix = posix.normalize(p).replace(/(.)\/+$/, '$1');
      return path === prefix || path.startsWith(prefix === '/' ? '/' : `${prefix}/`);
    });
    if (!allowed) {
      this.add(
        at,
        name,
        'host-bind',
        `bind-mounts the host path "${source}", which is outside the allowed host paths (${this.allowedBindPrefixes.join(', ') || 'none'})`,
        'Use a named volume, or a config for a file.',
      );
    } else if (!readOnly) {
      this.add(
        at,
        name,
        'host-bind',
        `bind-mounts the host path "${source}" writable: the container could change the host's files (allowed host paths are bound read-only)`,
        'Bind it read-only: add ":ro" (short syntax) or "read_only: true" (long syntax).',
      );
    }
  }

  private capability(item: Node, name: string): void {
    const cap = (this.value(item, name, 'cap_add') ?? '').trim().toUpperCase().replace(/^CAP_/, '');
    if (cap && !this.allowedCapabilities.has(cap)) {
      this.add(
        item,
        name,
        'cap-add',
        `adds capability ${cap}, which is not among the allowed (${[...this.allowedCapabilities].join(', ')})`,
        `Drop ${cap} from cap_add.`,
      );
    }
  }

  /** Top-level configs/secrets read `file:` from the host at deploy time. */
  hostFile(kind: string, objName: string, def: Node | null): void {
    const entry = this.nav.get(def, 'file');
    if (!entry) return;
    const where = `${kind}.${objName}`;
    const file = this.value(entry.value, where, 'file');
    if (file === null) return;
    this.recipePath(file, entry.at, where, 'file');
  }

  /** A file the deploy reads from the host must be inside the recipe checkout. */
  recipePath(file: string, at: Node | null, where: string, key: string): void {
    const norm = posix.normalize(file);
    const root = this.mode.recipeRoot;
    const inside = norm.startsWith('/')
      ? root !== undefined && norm.startsWith(`${posix.normalize(root).replace(/\/+$/, '')}/`)
      : !(norm.startsWith('~') || norm === '..' || norm.startsWith('../'));
    if (!inside || file.includes('\0')) {
      this.add(
        at,
        where,
        'host-file',
        `${key} reads "${file}" from the host, outside the recipe`,
        'Keep config, secret and env files inside the recipe repository (relative paths).',
      );
    }
  }

  /**
   * A secret, config, volume or external network the swarm looks up by a name outside the
   * app's stack is another app's (the proxy's TLS key, another run's database or its internal
   * network): the deploy would hand it over. The engine name is `name:`, else `external.name`,
   * else the key of an external object; each must start with `${STACK_NAME}_`, but for the
   * networks every app shares ({@link SHARED_NETWORKS}). A network only counts when external
   * (the deploy creates the others, and cannot create one whose name is taken). Judged when the
   * env names the stack; only the prefix counts, so a version variable without a value is no
   * refusal.
   */
  objectName(
    kind: 'configs' | 'secrets' | 'volumes' | 'networks',
    objName: string,
    def: Node | null,
  ): void {
    const stack = this.env['STACK_NAME'];
    if (!stack) return;
    const resolve = (raw: string) =>
      this.mode.interpolated ? raw : interpolate(raw, this.env).value;
    const external = this.nav.get(def, 'external');
    const isExternal =
      external !== undefined &&
      (isMap(external.value) || !FALSE.test(resolve(this.nav.scalar(external.value) ?? 'false')));
    if (kind === 'networks' && !isExternal) return;
    const named =
      this.nav.get(def, 'name') ??
      (isMap(external?.value) ? this.nav.get(external?.value, 'name') : undefined);
    let engineName: string;
    let at: Node | null;
    if (named) {
      const raw = this.nav.scalar(named.value);
      if (raw === null) return; // not a string: Docker's loader refuses it
      engineName = resolve(raw);
      at = named.at;
    } else if (isExternal) {
      engineName = objName; // an external object without a name is looked up by its key
      at = external?.at ?? null;
    } else return;
    if (engineName.startsWith(`${stack}_`)) return;
    if (kind === 'networks' && (SHARED_NETWORKS.includes(engineName) || engineName === 'host'))
      return; // `host` is the host-network rule's
    const noun = kind.slice(0, -1);
    this.add(
      at,
      `${kind}.${objName}`,
      'foreign-object',
      `names the swarm ${noun} "${engineName}", which is not this app's (its names start with "${stack}_"${kind === 'networks' ? `; shared: ${SHARED_NETWORKS.join(', ')}` : ''}): another app's ${noun} would be handed over`,
      kind === 'networks'
        ? "Join the shared proxy network, or a network of the app's own (leave external out)."
        : `Name it \${STACK_NAME}_<name> (abra's convention), or leave name out.`,
    );
  }

  /** Top-level `include:` pulls in other compose files (Docker's stack loader refuses it). */
  include(at: Node | null): void {
    this.add(
      at,
      'top-level.include',
      'host-file',
      "pulls in other compose files; Docker's stack loader refuses it",
      'Name overlays in COMPOSE_FILE (.env.sample) instead.',
    );
  }

  /** A local-driver volume with `o: bind` and a `device` is a bind mount in disguise. */
  volumeDefinition(objName: string, def: Node | null): void {
    const opts = this.nav.get(def, 'driver_opts');
    if (!opts) return;
    const where = `volumes.${objName}`;
    const o =
      this.value(this.nav.get(opts.value, 'o')?.value ?? null, where, 'driver_opts.o') ?? '';
    const type = this.value(
      this.nav.get(opts.value, 'type')?.value ?? null,
      where,
      'driver_opts.type',
    );
    const device = this.nav.get(opts.value, 'device');
    if (device && /(^|,)r?bind(,|$)/.test(o)) {
      const src = this.value(device.value, where, 'driver_opts.device');
      const ro = o.split(',').filter((f) => f === 'ro' || f === 'rw');
      if (src !== null) this.bind(src, device.at, where, ro.at(-1) === 'ro');
      return;
    }
    // Any other mount the local driver makes (a disk device, proc, overlay of host folders)
    // gives the host away too; only a tmpfs is the container's own.
    if ((device || (type !== null && type !== '')) && type?.trim() !== 'tmpfs') {
      this.add(
        device?.at ?? opts.at,
        where,
        'host-bind',
        `mounts "${type ?? ''}" ${device ? `from "${this.nav.scalar(device.value) ?? ''}"` : ''} through driver_opts, which reaches the host`,
        'Use a plain named volume (or driver_opts type: tmpfs).',
      );
    }
  }
}
