// The Drone pipeline: its shape, and its step script run for real with a stand-in harness.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { here, which } from './common.mjs';

/** The first `- |` block of the harness step, de-indented. */
function stepScript(yaml) {
  const lines = yaml.split('\n');
  const start = lines.findIndex((l) => /^\s*- \|\s*$/.test(l));
  if (start < 0) return null;
  const body = [];
  let indent = null;
  for (const l of lines.slice(start + 1)) {
    if (l.trim() === '') {
      body.push('');
      continue;
    }
    const ind = /^ */.exec(l)[0].length;
    indent ??= ind;
    if (ind < indent) break;
    body.push(l.slice(indent));
  }
  return body.join('\n');
}

// The limit ends a check that will never see its condition; it is not a timing. Under a
// loaded machine (the test suite beside it) a stand-in's trap once took longer than 10 s.
function waitFor(cond, what, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const v = cond();
      if (v) return resolve(v);
      if (Date.now() - started > timeoutMs)
        return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

const signalsOf = (out) =>
  existsSync(join(out, 'signals')) ? readFileSync(join(out, 'signals'), 'utf8').trim() : '';

export async function pipelineChecks(report) {
  const file = join(here, 'drone-pipeline.yml');
  const yaml = readFileSync(file, 'utf8');
  report.check(/^type: exec$/m.test(yaml), 'drone-pipeline.yml: type: exec expected');
  report.check(
    /^trigger:\n {2}event:\n {4}- custom\n(?! {4}-)/m.test(yaml),
    'drone-pipeline.yml: trigger event [custom] only',
  );
  report.check(/^clone:\n {2}disable: true$/m.test(yaml), 'drone-pipeline.yml: clone disabled');
  const script = stepScript(yaml);
  report.check(script !== null, 'drone-pipeline.yml: no `- |` step script found');
  if (!script) return;
  const syntax = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  report.check(syntax.status === 0, `drone-pipeline.yml step script: sh -n: ${syntax.stderr}`);
  for (const tool of ['setsid', 'setpriv', 'ps']) {
    if (!which(tool)) {
      report.skip(`pipeline step run: ${tool} is not on PATH`);
      return;
    }
  }

  const dir = mkdtempSync(join(tmpdir(), 'ccci-nix-check-'));
  const standIns = [];
  try {
    // A stand-in for ccci-harness: records its pid, session and arguments, exits 143 on TERM,
    // or with $FAKE_EXIT once the file "finish" appears.
    const bin = join(dir, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    writeFileSync(
      join(bin, 'ccci-harness'),
      `#!/bin/sh
trap 'echo TERM >> "$OUT/signals"; exit 143' TERM
echo "$$ $(ps -o sid= -p $$ | tr -d ' ') $*" > "$OUT/started"
while [ ! -e "$OUT/finish" ]; do sleep 0.05; done
exit "\${FAKE_EXIT:-0}"
`,
      { mode: 0o755 },
    );
    // Drone's exec runner runs the commands with `sh -e <script>` (runner-go shell).
    writeFileSync(join(dir, 'step.sh'), `set -e\n${script}\n`);
    const run = async (name, act) => {
      const out = join(dir, name);
      execFileSync('mkdir', ['-p', out]);
      const child = spawn('sh', ['-e', join(dir, 'step.sh')], {
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          OUT: out,
          SHA: 'abc1234',
          FAKE_EXIT: '3',
        },
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      const started = await waitFor(
        () => existsSync(join(out, 'started')) && readFileSync(join(out, 'started'), 'utf8').trim(),
        'the stand-in harness to start',
      );
      const [pid, sid, ...args] = started.split(' ');
      standIns.push(Number(pid));
      const result = await act({ child, out, pid: Number(pid), exited });
      return { pid: Number(pid), sid: Number(sid), args, ...result };
    };

    const normal = await run('normal', async ({ out, exited }) => {
      writeFileSync(join(out, 'finish'), '');
      return { end: await exited };
    });
    report.check(
      normal.args.join(' ') === 'run --ref abc1234',
      `pipeline: harness args "run --ref $SHA", found "${normal.args.join(' ')}"`,
    );
    report.check(
      normal.sid === normal.pid,
      `pipeline: the harness leads its own session (pid ${normal.pid}, sid ${normal.sid})`,
    );
    report.check(
      normal.end.code === 3,
      `pipeline: the step exits with the harness's status 3, found ${JSON.stringify(normal.end)}`,
    );

    const term = await run('term', async ({ child, out, exited }) => {
      child.kill('SIGTERM');
      const end = await exited;
      await waitFor(() => existsSync(join(out, 'signals')), 'the forwarded TERM').catch(
        () => false,
      );
      return { end, signals: signalsOf(out) };
    });
    report.check(
      term.signals === 'TERM',
      `pipeline: TERM to the step reaches the harness, found "${term.signals}"`,
    );
    report.check(
      term.end.code === 143,
      `pipeline: the step exits 143 after a forwarded TERM, found ${JSON.stringify(term.end)}`,
    );

    const kill = await run('kill', async ({ child, out, exited }) => {
      child.kill('SIGKILL'); // what drone-runner-exec does on cancel
      await exited;
      await waitFor(() => existsSync(join(out, 'signals')), 'the parent-death TERM').catch(
        () => false,
      );
      return { signals: signalsOf(out) };
    });
    report.check(
      kill.signals === 'TERM',
      'pipeline: SIGKILL of the step shell (Drone cancel) still sends the harness TERM',
    );
  } finally {
    // Each stand-in has ended (TERM or "finish") unless a check failed midway: end those.
    for (const pid of standIns) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
