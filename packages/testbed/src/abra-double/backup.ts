// `abra app backup create <domain>` / `abra app backup ls <domain>` / `abra app restore
// <domain> [-s snapshot]`. Real abra asks backup-bot-two (a service on the server) to run
// restic; the double does the same work itself, following the backupbot label spec
// (docs.coopcloud.tech backupbot-two Specification):
//  - services labelled `backupbot.backup=true` are backed up;
//  - `backupbot.backup.path` (comma-separated container paths) limits what is saved, else
//    every volume mounted by that service, minus `backupbot.backup.volumes.<v>=false`;
//  - `backupbot.backup.pre-hook` / `post-hook` and `backupbot.restore.post-hook` run in the
//    service container with `sh -c`.
// A snapshot is `$ABRA_DIR/backups/<domain>/<id>/<service>.tar.gz`, taken with tar inside the
// running container. Restore extracts over the paths (files added since the backup stay, as
// with `restic restore`).

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { type App, abraDir, loadApp } from './app.js';
import { composeFiles, deployEnv, labelsOf, loadCompose } from './compose.js';
import { docker, runningContainer, stackServices } from './docker.js';
import type { Faults } from './faults.js';
import { fatal, info, out } from './log.js';

interface Target {
  service: string;
  paths: string[];
  labels: Record<string, string>;
}

/** The services backupbot would back up (just `only` when given), with their paths. */
async function targets(app: App, only: string | undefined): Promise<Target[]> {
  const env = deployEnv(app);
  const compose = await loadCompose(composeFiles(app.recipeDir, env), env, app.recipeDir);
  const found: Target[] = [];
  for (const [service, svc] of Object.entries(compose.services)) {
    const labels = labelsOf(svc);
    if (labels['backupbot.backup'] !== 'true') continue;
    let paths = (labels['backupbot.backup.path'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (paths.length === 0) {
      for (const v of svc.volumes ?? []) {
        const [source, target] =
          typeof v === 'string'
            ? (v.split(':') as [string, string | undefined])
            : [v.source ?? '', v.target];
        if (!target || source.startsWith('/') || source.startsWith('.')) continue;
        if (labels[`backupbot.backup.volumes.${source}`] === 'false') continue;
        paths.push(target);
      }
    }
    paths = paths.map((p) => p.replace(/^\/+/, ''));
    if (paths.length > 0) found.push({ service, paths, labels });
  }
  return found.filter((t) => !only || t.service === only);
}

function backupsDir(app: App): string {
  return join(abraDir(), 'backups', app.domain);
}

async function hook(container: string, cmd: string | undefined, what: string): Promise<void> {
  if (!cmd) return;
  const r = await docker(['exec', container, 'sh', '-c', cmd]);
  if (r.exitCode !== 0) fatal(`${what} failed: ${r.stderr.trim()}`);
}

/** The app of `domain`, which must be deployed. */
async function deployedApp(domain: string | undefined): Promise<App> {
  const app = loadApp(domain);
  if ((await stackServices(app.stack)).length === 0) fatal(`${app.domain} is not deployed?`);
  return app;
}

export async function backupCreate(
  domain: string | undefined,
  service: string | undefined,
  f: Faults,
): Promise<void> {
  const app = await deployedApp(domain);
  const list = await targets(app, service);
  if (list.length === 0) {
    fatal(
      `no backupbot.backup=true labels found for ${service ? `service ${service} of ` : ''}${app.recipe}`,
    );
  }
  if (f.has('backup-fail')) fatal(`backup failed for ${app.domain}: injected by ABRA_DOUBLE_FAULT`);
  const id = `${new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;
  const dir = join(backupsDir(app), id);
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  try {
    for (const t of list) {
      const container = await runningContainer(app.stack, t.service);
      await hook(container, t.labels['backupbot.backup.pre-hook'], `pre-hook of ${t.service}`);
      const file = join(dir, `${t.service}.tar.gz`);
      const r = await execa(
        'docker',
        ['exec', container, 'tar', '-czf', '-', '-C', '/', ...t.paths],
        {
          reject: false,
          stdout: { file },
        },
      );
      if (r.exitCode !== 0) fatal(`backup of ${t.service} failed: ${String(r.stderr).trim()}`);
      await hook(container, t.labels['backupbot.backup.post-hook'], `post-hook of ${t.service}`);
      bytes += statSync(file).size;
    }
    writeFileSync(
      join(dir, 'snapshot.json'),
      `${JSON.stringify({ id, domain: app.domain, services: list.map((t) => ({ service: t.service, paths: t.paths.map((p) => `/${p}`) })) }, null, 2)}\n`,
    );
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  out(`snapshot ${id} saved (${bytes} bytes) at ${dir}`);
}

function snapshots(app: App): string[] {
  const dir = backupsDir(app);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

export function backupList(domain: string | undefined): void {
  const app = loadApp(domain);
  for (const s of snapshots(app)) out(s);
}

export async function restore(
  domain: string | undefined,
  service: string | undefined,
  snapshot: string | undefined,
  f: Faults,
): Promise<void> {
  const app = await deployedApp(domain);
  const id = snapshot ?? snapshots(app).at(-1);
  if (!id) fatal(`no backups found for ${app.domain}`);
  const dir = join(backupsDir(app), id);
  if (!existsSync(dir)) fatal(`snapshot ${id} not found for ${app.domain}`);
  if (f.has('restore-fail'))
    fatal(`restore failed for ${app.domain}: injected by ABRA_DOUBLE_FAULT`);
  for (const t of await targets(app, service)) {
    const file = join(dir, `${t.service}.tar.gz`);
    if (!existsSync(file)) continue;
    const container = await runningContainer(app.stack, t.service);
    const r = await execa('docker', ['exec', '-i', container, 'tar', '-xzf', '-', '-C', '/'], {
      reject: false,
      inputFile: file,
    });
    if (r.exitCode !== 0) fatal(`restore of ${t.service} failed: ${String(r.stderr).trim()}`);
    await hook(
      container,
      t.labels['backupbot.restore.post-hook'],
      `restore post-hook of ${t.service}`,
    );
    info(`restored ${t.service} from ${id}`);
  }
  out(`snapshot ${id} restored`);
}
