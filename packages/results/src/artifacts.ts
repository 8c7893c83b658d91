/**
 * Names of the artifacts a run may report, one set for both ends: harness-runner's report
 * client sends only these, trigger-bot accepts only these. A failed Playwright test's
 * screenshot is `playwright-<slug>.png` with a slug of at most 80 safe characters.
 */
export const ARTIFACT_NAME =
  /^(results\.json|card\.svg|card\.png|badge\.svg|comment\.md|run\.log|screenshot\.png|playwright-[A-Za-z0-9._-]{1,80}\.png)$/;

/** Whether `name` is an artifact name a run may report. */
export function isArtifactName(name: string): boolean {
  return ARTIFACT_NAME.test(name);
}
