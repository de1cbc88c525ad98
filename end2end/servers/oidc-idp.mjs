// A local OpenID Connect identity provider standing in for Azure AD in the end-to-end tests:
// the real `oidc-provider` with its development login form (any login name, any password),
// issuing RS256 ID tokens that carry `email` (the login name) and Azure's `tid`.
//
// GET /__mischief?claim=value makes the next token response carry an ID token whose claims
// are overridden and re-signed with the provider's own key, so that the tests can check
// that the portal refuses a wrong audience, issuer or nonce from a correctly signed token.
//
// Environment: OIDC_PORT (1190), OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS
// (comma-separated), OIDC_TENANT.
import Provider from "oidc-provider";
import * as jose from "jose";

const port = Number(process.env.OIDC_PORT ?? 1190);
const issuer = `http://127.0.0.1:${port}`;
const tenant = process.env.OIDC_TENANT ?? "tenant-e2e";

const { privateKey } = await jose.generateKeyPair("RS256", { extractable: true });
const jwk = { ...(await jose.exportJWK(privateKey)), kid: "e2e-key", alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID ?? "provider-center",
      client_secret: process.env.OIDC_CLIENT_SECRET ?? "e2e-secret",
      redirect_uris: (process.env.OIDC_REDIRECT_URIS ?? "http://127.0.0.1:3000/auth/oidc/callback").split(","),
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  jwks: { keys: [jwk] },
  claims: { openid: ["sub", "tid"], email: ["email", "email_verified"], profile: ["name"] },
  // Scope claims in the ID token itself, as Azure AD does.
  conformIdTokenClaims: false,
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: `sub-${id}`, email: id, email_verified: true, name: id, tid: tenant }),
  }),
  features: { devInteractions: { enabled: true } },
});

let mischief = {};
provider.use(async (ctx, next) => {
  if (ctx.path === "/__mischief") {
    mischief = Object.fromEntries(new URLSearchParams(ctx.querystring));
    ctx.body = { armed: mischief };
    return;
  }
  await next();
  if (ctx.path === "/token" && ctx.body?.id_token && Object.keys(mischief).length > 0) {
    const claims = { ...jose.decodeJwt(ctx.body.id_token), ...mischief };
    mischief = {};
    ctx.body.id_token = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: jwk.kid, typ: "JWT" })
      .sign(privateKey);
  }
});

provider.listen(port, "127.0.0.1", () => console.log(`OIDC stand-in at ${issuer}`));
