// The env-file half of the package (`@ccci/abra/env-file`): importable without the process
// code, so the abra double, a short-lived process started for every call, loads only this.
export {
  abraShExports,
  composeFileNames,
  deployEnv,
  type EnvEntry,
  EnvFileError,
  envValues,
  parseEnvFile,
} from './env-file.js';
export {
  envFileValue,
  readEnvFile,
  readEnvValues,
  setEnvValues,
  unsetEnvValues,
} from './env-file-edit.js';
