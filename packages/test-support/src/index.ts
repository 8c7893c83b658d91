export { HOSTILE_SHELL_WORDS } from './hostile.js';
export { perTest } from './per-test.js';
export { rejectionOf } from './rejection.js';
export { type TempDir, tempDirPerTest } from './temp-dir.js';
export { tsxArgs } from './tsx.js';
