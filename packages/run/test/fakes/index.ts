export { type AbraCall, FakeAbra, type FakeLintRule } from './fake-abra.js';
export { type Answer, type FakeApp, startFakeApp } from './fake-app.js';
export { FakeProc, type ProcCall } from './fake-proc.js';
export { type FakeService, FakeSwarm, type Health, type LiveService } from './fake-swarm.js';
export { BASE_RELEASE, recipeRepo } from './recipe-repo.js';
export { type TestCtxOptions, type TestRun, testCtx } from './test-ctx.js';
