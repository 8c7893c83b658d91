#!/usr/bin/env bash
# Wires lasuite-docs to the keycloak dep before the single deploy: creates a confidential OIDC
# client for this app in keycloak's master realm and writes the endpoints into the app's env.
# The client secret goes into the file of the recipe's secret `oidc_rpcs` (SECRET_OIDC_RPCS_VERSION),
# which abra inserts; it is never printed.
# Environment (set by the harness; see docs/enroll-recipe.md): CCCI_APP_DOMAIN, CCCI_APP_ENV_FILE,
# CCCI_DEP_KEYCLOAK_URL, CCCI_DEP_KEYCLOAK_ADMIN_PASSWORD_FILE, CCCI_SECRETS_DIR.
set -euo pipefail
: "${CCCI_APP_DOMAIN:?}" "${CCCI_APP_ENV_FILE:?}" "${CCCI_DEP_KEYCLOAK_URL:?}"
: "${CCCI_DEP_KEYCLOAK_ADMIN_PASSWORD_FILE:?}" "${CCCI_SECRETS_DIR:?}"

kc="$CCCI_DEP_KEYCLOAK_URL"
realm="$kc/realms/master"
client_id="docs-${CCCI_APP_DOMAIN%%.*}"

token=$(curl -fsS "$realm/protocol/openid-connect/token" \
  -d grant_type=password -d client_id=admin-cli -d username=admin \
  --data-urlencode "password@$CCCI_DEP_KEYCLOAK_ADMIN_PASSWORD_FILE" | jq -r .access_token)
auth=(-H "Authorization: Bearer $token")

curl -fsS "${auth[@]}" -H 'Content-Type: application/json' "$kc/admin/realms/master/clients" \
  --data "$(jq -n --arg id "$client_id" --arg app "https://$CCCI_APP_DOMAIN" '{
    clientId: $id, protocol: "openid-connect", publicClient: false,
    standardFlowEnabled: true, redirectUris: [$app + "/*"], webOrigins: [$app]
  }')"
uuid=$(curl -fsS "${auth[@]}" "$kc/admin/realms/master/clients?clientId=$client_id" | jq -r '.[0].id')
umask 077
curl -fsS "${auth[@]}" "$kc/admin/realms/master/clients/$uuid/client-secret" | jq -r .value \
  > "$CCCI_SECRETS_DIR/oidc_rpcs"

{
  echo "OIDC_RP_CLIENT_ID=$client_id"
  echo "OIDC_OP_JWKS_ENDPOINT=$realm/protocol/openid-connect/certs"
  echo "OIDC_OP_AUTHORIZATION_ENDPOINT=$realm/protocol/openid-connect/auth"
  echo "OIDC_OP_TOKEN_ENDPOINT=$realm/protocol/openid-connect/token"
  echo "OIDC_OP_USER_ENDPOINT=$realm/protocol/openid-connect/userinfo"
  echo "OIDC_OP_LOGOUT_ENDPOINT=$realm/protocol/openid-connect/logout"
} >> "$CCCI_APP_ENV_FILE"
