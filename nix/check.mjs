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
import { createReport } from './check/common.mjs';
import { nixChecks } from './check/evaluate.mjs';
import { pipelineChecks } from './check/pipeline.mjs';
import { structuralChecks } from './check/structure.mjs';

const report = createReport();
structuralChecks(report);
try {
  nixChecks(report);
} catch (error) {
  report.fail(
    `Nix evaluation failed: ${(error.stderr || error.message || String(error))
      .split('\n')
      .filter((l) => l.trim() && !/nixbld/.test(l))
      .slice(0, 8)
      .join(' ')}`,
  );
}
try {
  await pipelineChecks(report);
} catch (error) {
  report.fail(`pipeline step run: ${error.message}`);
}
for (const s of report.skipped) console.log(`skipped: ${s}`);
for (const f of report.failures) console.log(`FAIL ${f}`);
console.log(
  `nix/check.mjs: ${report.passed} passed, ${report.failures.length} failed, ${report.skipped.length} skipped`,
);
process.exit(report.failures.length > 0 ? 1 : 0);
