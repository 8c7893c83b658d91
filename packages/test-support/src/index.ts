export { perTest } from './per-test.js';
export { type TempDir, tempDirPerTest } from './temp-dir.js';
