/** Result of compose-style `${VAR}` interpolation. */
export interface Interpolated {
  value: string;
  /** Names that had no value and no default. */
  unresolved: string[];
}

// Compose interpolation: $VAR, ${VAR}, ${VAR:-def}, ${VAR-def}, ${VAR:?err}, ${VAR?err}, $$ escape.
// Docker's loader also reads the operators without braces (`$VAR:-def`, up to the next `}`).
const PATTERN =
  /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?)/g;

export function interpolate(text: string, env: Readonly<Record<string, string>>): Interpolated {
  const unresolved: string[] = [];
  const value = text.replace(
    PATTERN,
    (
      match,
      braced?: string,
      bracedOp?: string,
      bracedArg?: string,
      bare?: string,
      bareOp?: string,
      bareArg?: string,
    ) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare) as string;
      const op = bracedOp ?? bareOp;
      const arg = bracedArg ?? bareArg;
      const has = Object.hasOwn(env, name);
      const val = has ? (env[name] as string) : undefined;
      const empty = val === undefined || (op?.startsWith(':') === true && val === '');
      if (op === ':-' || op === '-')
        return (op === '-' ? val === undefined : empty) ? (arg ?? '') : (val as string);
      if (op === ':+' || op === '+')
        return (op === '+' ? val !== undefined : !empty) ? (arg ?? '') : '';
      if (val === undefined) {
        unresolved.push(name);
        return match;
      }
      return val;
    },
  );
  return { value, unresolved };
}
