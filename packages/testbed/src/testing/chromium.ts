import { CHROMIUM_FLAGS } from '@ccci/contracts';

/**
 * playwright-core launch options for Debian's Chromium as the testbed's scripts/setup.sh
 * installs it, with the harness's flags (CHROMIUM_FLAGS of @ccci/contracts); `extraArgs` after those (e.g. the gateway as `--proxy-server`).
 */
export function testbedChromium(extraArgs: readonly string[] = []): {
  executablePath: string;
  args: string[];
} {
  return {
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS, ...extraArgs],
  };
}
