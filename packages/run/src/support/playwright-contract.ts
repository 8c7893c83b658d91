/** The contract between the functional rung and its spec child (`playwright-child.ts`). */
import { basename } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export interface ChildConfig {
  /**
   * The browser the child launches itself, inside its sandbox (as the untrusted user, seeing
   * only the sandbox's files): Chromium's executable, flags and proxy.
   */
  chromium: string;
  args: string[];
  proxy: string | undefined;
  file: string;
  /** Browser-facing base URL of the app, e.g. `http://<domain>` through the gateway proxy. */
  baseUrl: string;
  domain: string;
  artifactsDir: string;
  resultsFile: string;
  testTimeoutMs: number;
}

/** What one test gets. */
interface SpecContext {
  page: Page;
  context: BrowserContext;
  baseUrl: string;
  domain: string;
  log: (message: string) => void;
}

export type SpecTest = (ctx: SpecContext) => Promise<void> | void;

export interface ChildEvent {
  name: string;
  status: 'pass' | 'fail';
  ms: number;
  reason?: string;
  screenshot?: string;
}

/** `login.spec.ts` → `login`. */
export function specLabel(file: string): string {
  return basename(file).replace(/\.(spec|test)\.(ts|js|mjs|cjs)$/, '');
}

/** Artifact name of a failed test's screenshot: `playwright-<file>-<test>.png`, safe chars only. */
export function screenshotName(testName: string): string {
  const slug = testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
  return `playwright-${slug || 'test'}.png`;
}
