#!/usr/bin/env node
import { main } from './main.js';

main({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  exit: (code) => process.exit(code),
}).catch((error: unknown) => {
  // Last resort: one line, no stack trace for users; the run log has the details.
  process.stderr.write(
    `harness-runner: internal error: ${(error as Error)?.message ?? String(error)}\n`,
  );
  process.exit(1);
});
