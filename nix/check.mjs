#!/usr/bin/env node
// Checks nix/ without NixOS: `node nix/check.mjs`. Exit 0 when every check passed (or was
// skipped, with the reason printed), 1 otherwise. Each failure names the file, line and what
// was expected.
//
// 1. Structure (always): balanced (), [], {} outside strings and comments in every .nix file;
//    every `cfg.<option>` the module reads and every `services.ccci.<option>` a host sets is
//    declared; no secret value inline (secrets are `*File` string paths outside the store; no
//    `*_TOKEN`/`*_SECRET`/`*_KEY` variable carries a value).
// 2. Nix (when nix-instantiate is on PATH): every .nix file parses; with nixpkgs' lib
//    (NIXPKGS_LIB=/path/to/nixpkgs/lib, or <nixpkgs/lib> on NIX_PATH) the module is evaluated
//    for the example host and the test hosts (nix/test/eval.nix) and the results checked.
// 3. The Drone pipeline: exec type, custom event only, no clone, and its step script run for
//    real with a stand-in harness: exit status passed through, TERM forwarded to the harness's
//    own session, SIGKILL of the step shell still reaching the harness (parent-death signal).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const failures = [];
const skipped = [];
let passed = 0;

function check(ok, message) {
  if (ok) passed++;
  else failures.push(message);
}
const rel = (file) => relative(root, file);

function nixFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...nixFiles(path));
    else if (entry.name.endsWith('.nix')) out.push(path);
  }
  return out.sort();
}

// --- 1. A small Nix lexer: enough for brackets, identifiers and strings ----------------------

/** Tokens of a Nix file: punctuation, identifiers, strings (with their text) and paths. */
export function lexNix(src) {
  const tokens = [];
  const stack = []; // open brackets and string interpolations
  let i = 0;
  let line = 1;
  let col = 1;
  const problems = [];
  const advance = (n) => {
    for (let k = 0; k < n; k++) {
      if (src[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  const closer = { '(': ')', '[': ']', '{': '}', '${': '}' };

  function readString(kind, startLine, startCol) {
    // kind: '"' or "''". Returns the literal text; handles ${ } by recursing into code.
    let text = '';
    for (;;) {
      if (i >= src.length) {
        problems.push(`${startLine}:${startCol}: unterminated string`);
        return text;
      }
      if (kind === '"') {
        if (src[i] === '\\') {
          text += src[i + 1] ?? '';
          advance(2);
          continue;
        }
        if (src[i] === '"') {
          advance(1);
          return text;
        }
      } else {
        if (src.startsWith("'''", i)) {
          text += "''";
          advance(3);
          continue;
        }
        if (src.startsWith("''$", i) || src.startsWith("''\\", i)) {
          text += src[i + 2];
          advance(3);
          continue;
        }
        if (src.startsWith("''", i)) {
          advance(2);
          return text;
        }
      }
      if (src.startsWith('${', i)) {
        const l = line;
        const c = col;
        advance(2);
        code(['${', l, c]);
        text += '$' + '{…}'; // a placeholder for the interpolation
        continue;
      }
      text += src[i];
      advance(1);
    }
  }

  function code(opened) {
    if (opened) stack.push(opened);
    const depth = stack.length;
    while (i < src.length) {
      const ch = src[i];
      if (ch === '#') {
        while (i < src.length && src[i] !== '\n') advance(1);
        continue;
      }
      if (src.startsWith('/*', i)) {
        const end = src.indexOf('*/', i + 2);
        advance((end < 0 ? src.length : end + 2) - i);
        continue;
      }
      if (/\s/.test(ch)) {
        advance(1);
        continue;
      }
      const l = line;
      const c = col;
      if (ch === '"' || src.startsWith("''", i)) {
        const kind = ch === '"' ? '"' : "''";
        advance(kind.length);
        const text = readString(kind, l, c);
        tokens.push({ type: 'string', value: text, line: l, col: c });
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{') {
        stack.push([ch, l, c]);
        tokens.push({ type: 'punct', value: ch, line: l, col: c });
        advance(1);
        continue;
      }
      if (ch === ')' || ch === ']' || ch === '}') {
        const open = stack.pop();
        if (!open) problems.push(`${l}:${c}: "${ch}" closes nothing`);
        else if (closer[open[0]] !== ch) {
          problems.push(
            `${l}:${c}: "${ch}" does not match "${open[0]}" opened at ${open[1]}:${open[2]}`,
          );
        }
        advance(1);
        if (open && open[0] === '${') {
          if (stack.length < depth) return;
          continue;
        }
        tokens.push({ type: 'punct', value: ch, line: l, col: c });
        continue;
      }
      const path = /^(\.{1,2}|~)?(\/[A-Za-z0-9._+-]+)+/.exec(src.slice(i));
      if (path && (ch === '.' || ch === '/' || ch === '~')) {
        tokens.push({ type: 'path', value: path[0], line: l, col: c });
        advance(path[0].length);
        continue;
      }
      const ident = /^[A-Za-z_][A-Za-z0-9_'-]*/.exec(src.slice(i));
      if (ident) {
        tokens.push({ type: 'ident', value: ident[0], line: l, col: c });
        advance(ident[0].length);
        continue;
      }
      tokens.push({ type: 'punct', value: ch, line: l, col: c });
      advance(1);
    }
  }

  code(null);
  for (const open of stack) problems.push(`${open[1]}:${open[2]}: "${open[0]}" is never closed`);
  return { tokens, problems };
}

/** Declared option paths under `options.services.ccci = { … }` (e.g. `forge.repos`). */
export function declaredOptions(tokens) {
  const start = tokens.findIndex(
    (t, k) =>
      t.value === 'options' &&
      tokens[k + 2]?.value === 'services' &&
      tokens[k + 4]?.value === 'ccci' &&
      tokens[k + 5]?.value === '=' &&
      tokens[k + 6]?.value === '{',
  );
  if (start < 0) return null;
  const declared = new Set();
  const stack = []; // { name, group }
  const pathOf = (name) =>
    [
      ...stack
        .filter((s) => s.group)
        .map((s) => s.name)
        .slice(1),
      name,
    ].join('.');
  const optionMakers = new Set(['mkOption', 'mkEnableOption', 'secretFileOption']);
  for (let k = start + 6; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.value === '{' || t.value === '[' || t.value === '(') {
      const name =
        tokens[k - 2]?.type === 'ident' && tokens[k - 1]?.value === '='
          ? tokens[k - 2].value
          : null;
      stack.push({ name: name ?? '', group: name !== null || stack.length === 0 });
      continue;
    }
    if (t.value === '}' || t.value === ']' || t.value === ')') {
      stack.pop();
      if (stack.length === 0) break;
      continue;
    }
    const top = stack[stack.length - 1];
    if (
      top?.group &&
      t.type === 'ident' &&
      tokens[k + 1]?.value === '=' &&
      optionMakers.has(tokens[k + 2]?.value)
    ) {
      declared.add(pathOf(t.value));
    }
  }
  return declared;
}

function structuralChecks() {
  const files = nixFiles(here);
  const module = join(here, 'module.nix');
  const optionsFile = join(here, 'options.nix');
  let declared = null;
  for (const file of files) {
    const src = readFileSync(file, 'utf8');
    const { tokens, problems } = lexNix(src);
    check(problems.length === 0, `${rel(file)}: ${problems.join('; ')}`);
    if (file === optionsFile) {
      declared = declaredOptions(tokens);
      check(declared !== null, `${rel(file)}: no "options.services.ccci = {" block found`);
    }
  }
  if (!declared) return;

  // Every cfg.<path> read by the module or the options' defaults is declared.
  for (const file of [module, optionsFile]) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, n) => {
        for (const m of text.matchAll(/\bcfg\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g)) {
          const parts = m[1].split('.');
          const found = parts.some((_, k) => declared.has(parts.slice(0, k + 1).join('.')));
          check(found, `${rel(file)}:${n + 1}: cfg.${m[1]} is read but no such option is declared`);
        }
      });
  }

  // Every services.ccci.<path> a host file sets is declared.
  // test/hosts/bad.nix holds deliberate mistakes for the evaluation checks.
  const hosts = files.filter(
    (f) => f !== module && f !== optionsFile && !f.endsWith(join('test', 'hosts', 'bad.nix')),
  );
  for (const file of hosts) {
    const { tokens } = lexNix(readFileSync(file, 'utf8'));
    const k0 = tokens.findIndex(
      (t, k) =>
        t.value === 'services' &&
        tokens[k + 2]?.value === 'ccci' &&
        tokens[k + 3]?.value === '=' &&
        tokens[k + 4]?.value === '{',
    );
    if (k0 < 0) continue;
    const stack = [];
    for (let k = k0 + 4; k < tokens.length; k++) {
      const t = tokens[k];
      if (t.value === '{' || t.value === '[' || t.value === '(') {
        const name =
          tokens[k - 2]?.type === 'ident' && tokens[k - 1]?.value === '='
            ? tokens[k - 2].value
            : null;
        stack.push(t.value === '{' && name !== null ? name : null);
        continue;
      }
      if (t.value === '}' || t.value === ']' || t.value === ')') {
        stack.pop();
        if (stack.length === 0) break;
        continue;
      }
      if (stack.length === 0 || stack.some((s) => s === null) || t.type !== 'ident') continue;
      if (tokens[k - 1]?.value === '.') continue; // inside a dotted name, handled at its start
      const parts = [t.value];
      let j = k + 1;
      while (tokens[j]?.value === '.' && tokens[j + 1]?.type === 'ident') {
        parts.push(tokens[j + 1].value);
        j += 2;
      }
      if (tokens[j]?.value !== '=') continue;
      {
        const path = [...stack.slice(1), ...parts].join('.');
        if (tokens[j + 1]?.value === '{' && !declared.has(path)) continue; // an option group
        check(
          declared.has(path),
          `${rel(file)}:${t.line}: services.ccci.${path} is not a declared option`,
        );
        // Secrets: string paths outside the store, never a Nix path literal (copied into the store).
        if (/File$/.test(parts[parts.length - 1])) {
          const v = tokens[j + 1];
          check(
            v?.type !== 'path' && !(v?.type === 'string' && v.value.startsWith('/nix/store')),
            `${rel(file)}:${t.line}: ${path} must be a string path outside the Nix store (e.g. "/run/secrets/…"), not ${v?.type === 'path' ? `the path literal ${v.value}` : JSON.stringify(v?.value)}`,
          );
        }
      }
    }
  }

  // No secret-looking variable or option with a value of its own.
  for (const file of [module, optionsFile, ...hosts]) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, n) => {
        const code = text.replace(/#.*$/, '');
        const env = /\b([A-Z][A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|KEY))\s*=\s*(\S.*)/.exec(code);
        if (env && !/^\$\(cat "\$CREDENTIALS_DIRECTORY\//.test(env[2])) {
          failures.push(
            `${rel(file)}:${n + 1}: ${env[1]} is given a value; pass secrets as ${env[1]}_FILE (a credential path)`,
          );
        } else passed++;
        const opt = /\b([a-z][A-Za-z]*(?:[tT]oken|[sS]ecret|[pP]assword))\s*=\s*"/.exec(code);
        check(
          !opt,
          `${rel(file)}:${n + 1}: ${opt?.[1]} is set to a string value; secrets go in files (${opt?.[1]}File)`,
        );
      });
  }
}

// --- 2. Nix parse and evaluation --------------------------------------------------------------

function which(cmd) {
  const r = spawnSync('sh', ['-c', 'command -v "$0"', cmd], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** An environment variable of the person running the check (not a build input). */
const envVar = (name) => Object.entries(process.env).find(([k]) => k === name)?.[1];

function nixLib() {
  const fromEnv = envVar('NIXPKGS_LIB');
  if (fromEnv) return fromEnv;
  const r = spawnSync('nix-instantiate', ['--find-file', 'nixpkgs/lib'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function evalHost(lib, host) {
  const out = execFileSync(
    'nix-instantiate',
    [
      '--eval',
      '--strict',
      '--json',
      join(here, 'test', 'eval.nix'),
      '--arg',
      'lib',
      `import ${lib}`,
      '--arg',
      'host',
      host,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return JSON.parse(out);
}

function nixChecks() {
  if (!which('nix-instantiate')) {
    skipped.push('Nix parse and evaluation: nix-instantiate is not on PATH');
    return;
  }
  for (const file of nixFiles(here)) {
    const r = spawnSync('nix-instantiate', ['--parse', file], { encoding: 'utf8' });
    const err = r.stderr
      .split('\n')
      .filter((l) => l.trim() && !/warning: the group 'nixbld'/.test(l))
      .join(' ');
    check(r.status === 0, `${rel(file)}: nix-instantiate --parse failed: ${err}`);
  }
  const lib = nixLib();
  if (!lib || !existsSync(join(lib, 'default.nix'))) {
    skipped.push(
      "module evaluation: nixpkgs' lib not found (set NIXPKGS_LIB=/path/to/nixpkgs/lib, e.g. a checkout of nix-community/nixpkgs.lib)",
    );
    return;
  }

  const example = evalHost(lib, join(here, 'example-host.nix'));
  check(
    example.failedAssertions.length === 0,
    `example-host.nix: assertions fail: ${example.failedAssertions.join(' | ')}`,
  );
  check(
    example.warnings.length === 0,
    `example-host.nix: warnings: ${example.warnings.join(' | ')}`,
  );
  const bot = example.services['ccci-trigger-bot'];
  const runner = example.services['ccci-drone-runner'];
  check(bot?.serviceConfig.User === 'ccci-bot', 'example: the bot runs as ccci-bot with Drone');
  check(
    !bot?.serviceConfig.SupplementaryGroups?.includes('docker'),
    'example: with Drone the bot must not be in the docker group',
  );
  check(bot?.environment.EXECUTOR === 'drone', 'example: EXECUTOR=drone');
  check(
    runner?.environment.DRONE_RUNNER_CAPACITY === '4' && bot?.environment.MAX_TESTS === '4',
    `example: maxTests = 4 must be DRONE_RUNNER_CAPACITY and MAX_TESTS, found ${runner?.environment.DRONE_RUNNER_CAPACITY} and ${bot?.environment.MAX_TESTS}`,
  );
  check(
    runner?.environment.DRONE_LIMIT_EVENTS === 'custom',
    'example: runner limited to custom builds',
  );
  check(
    runner?.environment.DRONE_UI_DISABLE === 'true' &&
      runner?.environment.DRONE_SERVER_PORT?.startsWith('127.0.0.1:'),
    "example: the runner's admin/admin web page is off and on loopback",
  );
  for (const [name, svc] of Object.entries(example.services)) {
    for (const [k, v] of Object.entries(svc.environment ?? {})) {
      if (/_FILE$/.test(k))
        check(
          v.startsWith('%d/'),
          `${name}: ${k} must point into the credentials dir (%d/), found ${v}`,
        );
      check(
        !/(TOKEN|SECRET|PASSWORD|KEY)$/.test(k),
        `${name}: ${k} carries a secret value in the unit`,
      );
    }
    for (const cred of svc.serviceConfig?.LoadCredential ?? []) {
      check(
        /^[a-z-]+:\/run\/secrets\//.test(cred),
        `${name}: credential ${cred} is not a /run/secrets file`,
      );
    }
    check(
      svc.serviceConfig?.ProtectSystem === 'strict' && svc.serviceConfig?.NoNewPrivileges === true,
      `${name}: ProtectSystem=strict and NoNewPrivileges expected`,
    );
  }
  check(
    bot?.serviceConfig.KillMode === 'mixed' && bot?.serviceConfig.TimeoutStopSec > 60,
    'example: bot KillMode=mixed with a stop timeout longer than its grace',
  );
  const timer = example.timers['ccci-janitor'];
  check(
    timer?.timerConfig.OnUnitActiveSec === '10min' && Boolean(timer?.timerConfig.OnBootSec),
    'example: janitor timer every 10min and at boot',
  );
  check(
    example.services['ccci-janitor']?.serviceConfig.ExecStart.endsWith('/bin/ccci-harness janitor'),
    'example: janitor runs `ccci-harness janitor`',
  );
  const wrapper = example.wrappers.find((w) => w.name === 'ccci-harness');
  check(Boolean(wrapper), 'example: the ccci-harness wrapper is installed');
  if (wrapper) {
    const r = spawnSync('bash', ['-n'], { input: wrapper.text, encoding: 'utf8' });
    check(r.status === 0, `ccci-harness wrapper: bash -n: ${r.stderr}`);
    check(
      /unset CCCI_REPORT_KEY_FILE/.test(wrapper.text) &&
        /export CCCI_CI_DOMAIN=ci\.example\.org/.test(wrapper.text),
      'ccci-harness wrapper: pins CCCI_CI_DOMAIN and drops CCCI_REPORT_KEY_FILE',
    );
  }

  const local = evalHost(lib, join(here, 'test', 'hosts', 'local.nix'));
  check(local.failedAssertions.length === 0, `local.nix: ${local.failedAssertions.join(' | ')}`);
  const lbot = local.services['ccci-trigger-bot'];
  check(
    lbot?.serviceConfig.User === 'ccci' &&
      lbot?.serviceConfig.SupplementaryGroups.includes('docker'),
    'local: the bot runs harnesses, so it is the ccci user in the docker group',
  );
  check(lbot?.environment.MAX_TESTS === '3', 'local: MAX_TESTS from maxTests');
  check(
    lbot?.environment.HARNESS_COMMAND?.endsWith('/bin/ccci-harness'),
    'local: HARNESS_COMMAND is the wrapper',
  );
  check(!local.services['ccci-drone-runner'], 'local: no Drone runner by default');

  const bad = evalHost(lib, join(here, 'test', 'hosts', 'bad.nix'));
  const expected = [
    'virtualisation.docker.enable',
    'forge.repos: expected a non-empty list of owner/name',
    'set org or allowlist',
    'ciDomain: expected a lower-case DNS name',
    'must be http(s) URLs',
    'needs drone.url and droneTokenFile',
    'droneRunner needs rpcHost and rpcSecretFile',
    'forgeTokenFile: expected an absolute path to a file outside the Nix store',
    'droneTokenFile: expected an absolute path',
  ];
  for (const want of expected) {
    check(
      bad.failedAssertions.some((m) => m.includes(want)),
      `bad.nix: expected an assertion mentioning "${want}", found: ${bad.failedAssertions.join(' | ')}`,
    );
  }
  check(
    bad.warnings.some((w) => w.includes('reportKeyFile is not read')),
    'bad.nix: reportKeyFile warns that it is not read',
  );
}

// --- 3. The Drone pipeline ----------------------------------------------------------------------

/** The first `- |` block of the harness step, de-indented. */
export function stepScript(yaml) {
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

function waitFor(cond, what, timeoutMs = 10_000) {
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

async function pipelineChecks() {
  const file = join(here, 'drone-pipeline.yml');
  const yaml = readFileSync(file, 'utf8');
  check(/^type: exec$/m.test(yaml), 'drone-pipeline.yml: type: exec expected');
  check(
    /^trigger:\n {2}event:\n {4}- custom\n(?! {4}-)/m.test(yaml),
    'drone-pipeline.yml: trigger event [custom] only',
  );
  check(/^clone:\n {2}disable: true$/m.test(yaml), 'drone-pipeline.yml: clone disabled');
  const script = stepScript(yaml);
  check(script !== null, 'drone-pipeline.yml: no `- |` step script found');
  if (!script) return;
  const syntax = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  check(syntax.status === 0, `drone-pipeline.yml step script: sh -n: ${syntax.stderr}`);
  for (const tool of ['setsid', 'setpriv', 'ps']) {
    if (!which(tool)) {
      skipped.push(`pipeline step run: ${tool} is not on PATH`);
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
    check(
      normal.args.join(' ') === 'run --ref abc1234',
      `pipeline: harness args "run --ref $SHA", found "${normal.args.join(' ')}"`,
    );
    check(
      normal.sid === normal.pid,
      `pipeline: the harness leads its own session (pid ${normal.pid}, sid ${normal.sid})`,
    );
    check(
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
    check(
      term.signals === 'TERM',
      `pipeline: TERM to the step reaches the harness, found "${term.signals}"`,
    );
    check(
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
    check(
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  structuralChecks();
  try {
    nixChecks();
  } catch (error) {
    failures.push(
      `Nix evaluation failed: ${(error.stderr || error.message || String(error))
        .split('\n')
        .filter((l) => l.trim() && !/nixbld/.test(l))
        .slice(0, 8)
        .join(' ')}`,
    );
  }
  try {
    await pipelineChecks();
  } catch (error) {
    failures.push(`pipeline step run: ${error.message}`);
  }
  for (const s of skipped) console.log(`skipped: ${s}`);
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(
    `nix/check.mjs: ${passed} passed, ${failures.length} failed, ${skipped.length} skipped`,
  );
  process.exit(failures.length > 0 ? 1 : 0);
}
