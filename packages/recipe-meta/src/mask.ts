/** The text that replaces a masked value. Fixed, so it does not reveal the length. */
export const MASK = '***';

const SECRET_WORD = /(SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|KEY)S?$/;

/**
 * True when a setting's name looks secret: any word of it (split on `_`, `-`, `.` and camelCase)
 * ends with SECRET, PASSWORD, PASSWD, TOKEN, CREDENTIAL or KEY. `KEYCLOAK_URL` is not secret;
 * `API_KEY`, `apiKey`, `OIDC_RP_CLIENT_SECRET` are.
 */
export function looksSecret(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[_\-.\s]+/);
  return words.some((w) => SECRET_WORD.test(w));
}

/** A deep copy of `value` with every map entry under a secret-looking name masked. */
export function maskSecrets(value: unknown, underSecretName = false): unknown {
  if (underSecretName) return MASK;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskSecrets(v, looksSecret(k));
    return out;
  }
  return value;
}
