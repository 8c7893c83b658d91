import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cleanTerminalOutput } from '../src/index.js';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** A captured abra output, raw (ANSI colours, CRLF from the pty). */
export const rawOutput = (name: string): string => readFileSync(fixture(`output/${name}`), 'utf8');

/** A captured abra output as the wrapper parses it. */
export const capturedOutput = (name: string): string => cleanTerminalOutput(rawOutput(name));
