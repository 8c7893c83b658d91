#!/usr/bin/env node
import { StoreError } from '@ccci/store';
import { start } from './main.js';
import { SettingsError } from './settings.js';

const HELP = `trigger-bot: ccci's forge bot (polling, webhook, dispatch, dashboard).
Configured by environment variables; see docs/trigger-bot.md.`;

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

try {
  const running = await start({ env: process.env });
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`trigger-bot: ${signal}: shutting down\n`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`trigger-bot: shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
} catch (error) {
  // One line (or the list of settings problems), never a stack trace.
  if (error instanceof SettingsError) {
    process.stderr.write(`trigger-bot: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof StoreError) {
    process.stderr.write(`trigger-bot: ${error.message}\n`);
    process.exit(1);
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  process.stderr.write(
    `trigger-bot: cannot start: ${(error as Error)?.message ?? String(error)}${code === 'EADDRINUSE' ? ' (LISTEN: the port is taken)' : ''}\n`,
  );
  process.exit(1);
}
