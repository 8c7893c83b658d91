/**
 * playwright-core launch options for Debian's Chromium as the testbed's scripts/setup.sh
 * installs it: headless, without Chromium's own sandbox, no background network, no first-run
 * work; `extraArgs` after those (e.g. the gateway as `--proxy-server`).
 */
export function testbedChromium(extraArgs: readonly string[] = []): {
  executablePath: string;
  args: string[];
} {
  return {
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  };
}
