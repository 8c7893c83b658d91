/**
 * What both child scripts (`hook-child`, `playwright-child`) do alike: import a recipe's
 * TypeScript file, and tell an error in one short line. Node builtins and tsx only, as they are.
 */
import { pathToFileURL } from 'node:url';

/** A recipe's TypeScript file (hooks.ts, a Playwright spec) as a module, through tsx. */
export async function importTypeScript(file: string): Promise<Record<string, unknown>> {
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
}

/** An error's first line, at most 500 characters (Playwright's carry a call log after it). */
export function firstLine(error: unknown): string {
  const m = error instanceof Error ? error.message : String(error);
  return (m.split('\n')[0] ?? m).slice(0, 500);
}
