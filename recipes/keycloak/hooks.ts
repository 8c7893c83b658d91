// Keycloak answers /realms/master while realms are still being imported; consumers (lasuite-docs)
// need the OIDC discovery document, whose issuer only matches the public URL once the proxy
// headers are honoured (KC_PROXY_HEADERS). Ready = discovery served with the right issuer.
import type { HookContext } from '@ccci/recipe-meta';

export async function READY_PROBE(ctx: HookContext): Promise<boolean> {
  const res = await ctx.http('/realms/master/.well-known/openid-configuration');
  if (res.status !== 200) return false;
  const doc = (await res.json()) as { issuer?: unknown };
  return doc.issuer === `${ctx.baseUrl}/realms/master`;
}
