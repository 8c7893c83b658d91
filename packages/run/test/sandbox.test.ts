// Recipe code runs in the sandbox (support/sandbox.ts): a real bwrap, a real unprivileged user.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Proc } from '../src/support/proc.js';
import { handOver, runUid, sandboxHost } from '../src/support/sandbox.js';

const root = mkdtempSync(join(tmpdir(), 'ccci-sbx-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = (name: string, mode = 0o700) => {
  const d = join(root, name);
  mkdirSync(d, { recursive: true, mode });
  chmodSync(d, mode);
  return d;
};

const secrets = dir('secrets');
writeFileSync(join(secrets, 'report-key'), 'topsecret-report-key\n', { mode: 0o600 });
const abraDir = dir('abra');
writeFileSync(join(abraDir, 'other-app.env'), 'DB_PASSWORD=hunter2hunter2\n', { mode: 0o600 });
const code = dir('code', 0o755);
const out = dir('out');
const host = sandboxHost({ hidden: [secrets, abraDir], runId: 'sbx-test' });
const proc = new Proc({ output() {}, childTime() {} }, undefined, host);

const sh = (script: string, view = { read: [code], write: [out] }) =>
  proc.run('sh', ['-c', script], {
    sandbox: view,
    env: { GIVEN: 'yes' },
    allowFailure: true,
    timeoutMs: 20_000,
  });

describe.skipIf(!host.bwrap)('recipe code sandbox (bwrap)', () => {
  it('sees none of the harness folders, no Docker socket, none of its environment', async () => {
    process.env['CCCI_REPORT_KEY'] = 'leaky-report-key';
    try {
      const r = await sh(
        `cat ${secrets}/report-key; cat ${abraDir}/other-app.env; ls /run/docker.sock /var/run/docker.sock; env`,
      );
      expect(r.stdout).not.toContain('topsecret');
      expect(r.stdout).not.toContain('hunter2');
      expect(r.stdout).not.toContain('leaky-report-key');
      expect(r.stdout).toContain('GIVEN=yes');
      expect(r.stderr).toMatch(/docker\.sock': No such file/);
      expect(r.stderr).not.toMatch(/Permission denied/);
    } finally {
      delete process.env['CCCI_REPORT_KEY'];
    }
  });

  it('code without network (hooks) reaches no loopback service of the host; tests do', async () => {
    const server = createServer((_q, res) => res.end('host-service'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const probe = `fetch(${JSON.stringify(url)}).then(async (r) => console.log('reached', await r.text()), (e) => console.log('blocked', e.cause?.code ?? e.message))`;
    const node = (network: boolean) =>
      proc.run(process.execPath, ['-e', probe], {
        sandbox: { read: [code], write: [], network },
        allowFailure: true,
        timeoutMs: 20_000,
      });
    try {
      expect((await node(false)).stdout).toMatch(/^blocked /);
      expect((await node(true)).stdout).toBe('reached host-service\n');
    } finally {
      server.close();
    }
  });

  it('runs as an unprivileged user without the docker group when the harness is root', async () => {
    const r = await sh('id -u; id -G; cat /proc/self/status | grep CapEff');
    const [uid, groups] = r.stdout.split('\n');
    if (process.getuid?.() === 0) {
      expect(uid).toBe(String(host.user?.uid));
      expect(groups?.trim()).toBe(String(host.user?.gid));
    }
    expect(r.stdout).toMatch(/CapEff:\s+0+\n/);
  });

  it('reads its own code, writes only where its contract says', async () => {
    writeFileSync(join(code, 'step.sh'), 'echo from-code\n');
    handOver(host, [out]);
    const r = await sh(
      `sh ${code}/step.sh; echo written > ${out}/result; echo x > ${code}/evil; echo $?; touch /etc/evil 2>&1`,
    );
    expect(r.stdout).toContain('from-code');
    expect(readFileSync(join(out, 'result'), 'utf8')).toBe('written\n');
    expect(() => readFileSync(join(code, 'evil'))).toThrow();
    expect(r.stderr).toMatch(/Read-only file system|Permission denied/);
  });

  it("a run's code has a uid of its own and a process limit (a fork bomb stops there)", async () => {
    const r = await sh('id -u; for i in $(seq 1 1100); do sleep 3 & done 2>&1 | tail -1; wait');
    if (process.getuid?.() === 0) {
      expect(r.stdout.split('\n')[0]).toBe(String(runUid('sbx-test')));
      expect(runUid('sbx-test')).not.toBe(runUid('sbx-test2'));
      expect(`${r.stdout}${r.stderr}`).toMatch(/fork|Resource temporarily unavailable|retry/i);
    }
  });

  it("cannot fill the host's memory through /dev: /dev/shm is bounded, the rest read-only", async () => {
    // As the code runs when bwrap runs unprivileged (no user to drop to): it owns its /dev.
    const own = new Proc({ output() {}, childTime() {} }, undefined, { ...host, user: undefined });
    const r = await own.run(
      'sh',
      [
        '-c',
        'dd if=/dev/zero of=/dev/shm/fill bs=1M count=80 2>/dev/null; du -m /dev/shm/fill; echo x > /dev/fill && echo dev-written; echo x > /dev/null && echo null-ok',
      ],
      { sandbox: { read: [], write: [] }, allowFailure: true, timeoutMs: 20_000 },
    );
    expect(Number(r.stdout.match(/^(\d+)\s/m)?.[1])).toBeLessThanOrEqual(64);
    expect(r.stdout).not.toContain('dev-written');
    expect(r.stdout).toContain('null-ok');
  });

  it('a killed sandbox leaves no process behind', async () => {
    const marker = `sbx-sleeper-${process.pid}`;
    const r = await proc
      .run('sh', ['-c', `sleep 300 # ${marker}`], {
        sandbox: { read: [], write: [] },
        timeoutMs: 1_000,
      })
      .catch((e: Error) => e);
    expect(String(r)).toMatch(/timed out/);
    const ps = await proc.run('ps', ['-eo', 'args'], {});
    expect(ps.stdout).not.toContain(marker);
  });
});
