/**
 * Node's arguments to run a TypeScript file of this repository as a child process, from source:
 * the workspace packages by their `source` export condition, the file through tsx (resolved from
 * the child's working folder).
 */
export function tsxArgs(file: string, ...args: string[]): string[] {
  return ['--conditions=source', '--import', 'tsx', file, ...args];
}
