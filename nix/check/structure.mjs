// Structure checks that need no Nix: brackets, declared vs read/set options, no inline secrets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { here, nixFiles, rel } from './common.mjs';
import { declaredOptions, lexNix } from './nix-lex.mjs';

export function structuralChecks(report) {
  const files = nixFiles(here);
  const module = join(here, 'module.nix');
  const optionsFile = join(here, 'options.nix');
  let declared = null;
  for (const file of files) {
    const src = readFileSync(file, 'utf8');
    const { tokens, problems } = lexNix(src);
    report.check(problems.length === 0, `${rel(file)}: ${problems.join('; ')}`);
    if (file === optionsFile) {
      declared = declaredOptions(tokens);
      report.check(declared !== null, `${rel(file)}: no "options.services.ccci = {" block found`);
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
          report.check(
            found,
            `${rel(file)}:${n + 1}: cfg.${m[1]} is read but no such option is declared`,
          );
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
        // The whole (possibly dotted) name before `= {`: an option group to walk into, or an
        // attribute-set option's value (e.g. `warm.recipes = { keycloak = "main"; }`), whose
        // keys are data, not options.
        const parts = [];
        if (tokens[k - 1]?.value === '=') {
          for (let b = k - 2; tokens[b]?.type === 'ident'; b -= 2) {
            parts.unshift(tokens[b].value);
            if (tokens[b - 1]?.value !== '.') break;
          }
        }
        const path = [...stack.slice(1), ...parts].join('.');
        const group = t.value === '{' && parts.length > 0 && !declared.has(path);
        stack.push(group ? parts.join('.') : null);
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
        report.check(
          declared.has(path),
          `${rel(file)}:${t.line}: services.ccci.${path} is not a declared option`,
        );
        // Secrets: string paths outside the store, never a Nix path literal (copied into the store).
        if (/File$/.test(parts[parts.length - 1])) {
          const v = tokens[j + 1];
          report.check(
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
          report.fail(
            `${rel(file)}:${n + 1}: ${env[1]} is given a value; pass secrets as ${env[1]}_FILE (a credential path)`,
          );
        } else report.pass();
        const opt = /\b([a-z][A-Za-z]*(?:[tT]oken|[sS]ecret|[pP]assword))\s*=\s*"/.exec(code);
        report.check(
          !opt,
          `${rel(file)}:${n + 1}: ${opt?.[1]} is set to a string value; secrets go in files (${opt?.[1]}File)`,
        );
      });
  }
}
