// A throwaway OpenID Connect provider (oidc-provider) for Tidings' tests, demo and benchmarks.
// Started by harness/idp.py; everything it needs comes from the environment:
//   IDP_PORT            loopback port; the issuer is http://127.0.0.1:IDP_PORT (compared byte for byte)
//   IDP_KEY_FILE        RSA private key (PEM) in the fixture folder, so the JWKS survives a restart
//   IDP_KID             its key id (Dovecot looks the public key up by it)
//   IDP_DOVECOT_SECRET  the confidential `dovecot` client's secret (token introspection)
//   IDP_DEVICE_INTERVAL seconds between device-flow polls, announced to clients (RFC 8628 `interval`)
//   IDP_ACCESS_TTL      access token lifetime in seconds
// State (grants, tokens, sessions) is in memory: a restart forgets every sign-in.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const env = (name, fallback) => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    if (fallback === undefined) throw new Error(`${name} is not set`);
    return fallback;
  }
  return value;
};

const port = Number(env('IDP_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const jwk = {
  ...createPrivateKey(readFileSync(env('IDP_KEY_FILE'))).export({ format: 'jwk' }),
  kid: env('IDP_KID'),
  alg: 'RS256',
  use: 'sig',
};
const deviceInterval = Number(env('IDP_DEVICE_INTERVAL', '5'));
const accessTtl = Number(env('IDP_ACCESS_TTL', '3600'));

// Resource indicators (RFC 8707): each resource is an audience with its own scope. Dovecot 2.3
// checks only `scope` (it has no audience setting), so "a token for another audience" is one
// whose scope is not `mail`. A name ending in -jwt gets RS256 JWT access tokens (Dovecot's
// local validation), any other opaque ones (Dovecot's introspection; oidc-provider cannot
// introspect its JWTs).
const RESOURCES = {
  'urn:tidings:imap': 'mail',
  'urn:tidings:imap-jwt': 'mail',
  'urn:tidings:gateway': 'gateway',
  'urn:tidings:gateway-jwt': 'gateway',
};

const provider = new Provider(issuer, {
  clients: [
    {
      // The desktop: a public native client (RFC 8252), PKCE S256 is mandatory for it.
      client_id: 'tidings',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      // Native loopback redirects may use any port; host and path must match.
      redirect_uris: ['http://127.0.0.1/callback'],
    },
    {
      // Dovecot's passdb oauth2 authenticates with it to call the introspection endpoint.
      client_id: 'dovecot',
      client_secret: env('IDP_DOVECOT_SECRET'),
      grant_types: [],
      response_types: [],
      redirect_uris: [],
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ['tidings-harness-cookie-key'] },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'mail', 'gateway'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
  // Any login with any password is accepted (dev interactions); the login becomes `sub`.
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: id,
      email: id.includes('@') ? id : `${id}@example.test`,
      email_verified: true,
      preferred_username: id,
      name: id,
    }),
  }),
  // Dovecot matches the IMAP login name against `username` (username_attribute).
  extraTokenClaims: async (ctx, token) => (token.accountId ? { username: token.accountId } : undefined),
  formats: {
    customizers: {
      // Dovecot 2.3 local validation rejects the RFC 9068 header `typ: at+jwt`.
      jwt: async (ctx, token, jwt) => {
        jwt.header = { typ: 'JWT' };
      },
    },
  },
  ttl: {
    AccessToken: accessTtl,
    DeviceCode: 600,
    Interaction: 600,
    Session: 3600,
    Grant: 14 * 24 * 3600,
    IdToken: 3600,
    AuthorizationCode: 60,
    RefreshToken: 14 * 24 * 3600,
  },
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Refreshes may omit `resource`: the one granted at sign-in is used.
      useGrantedResource: async () => true,
      defaultResource: async (ctx, client, oneOf) => oneOf,
      getResourceServerInfo: async (ctx, resource) => {
        const scope = RESOURCES[resource];
        if (scope === undefined) throw new Error(`unknown resource ${resource}`);
        return {
          scope,
          audience: resource,
          ...(resource.endsWith('-jwt')
            ? { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }
            : { accessTokenFormat: 'opaque' }),
        };
      },
    },
  },
});

// The harness's own controls, loopback only and not part of OpenID Connect:
// POST /harness/revoke-grants?account=NAME ends every grant of an account (its refresh and
// access tokens die with it), as an administrator disabling a user would.
provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/harness/revoke-grants') {
    const account = ctx.query.account;
    let revoked = 0;
    for (const grantId of grantsByAccount.get(account) ?? []) {
      const grant = await provider.Grant.find(grantId);
      if (grant) {
        await grant.destroy();
        revoked += 1;
      }
      // Tokens of a destroyed grant are refused from now on.
      await revokeGrantTokens(grantId);
    }
    grantsByAccount.delete(account);
    ctx.body = { revoked };
    return;
  }
  await next();
  // oidc-provider announces no polling interval; RFC 8628 then means 5 s. The harness names one.
  if (ctx.method === 'POST' && ctx.path === '/device/auth' && ctx.status === 200 && ctx.body) {
    ctx.body = { ...ctx.body, interval: deviceInterval };
  }
});

const grantsByAccount = new Map();
provider.on('grant.saved', (grant) => {
  if (!grant.accountId) return;
  if (!grantsByAccount.has(grant.accountId)) grantsByAccount.set(grant.accountId, new Set());
  grantsByAccount.get(grant.accountId).add(grant.jti);
});

async function revokeGrantTokens(grantId) {
  // The in-memory adapter lets every model revoke by grant id (what the revocation endpoint does).
  for (const model of ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode']) {
    await provider[model].revokeByGrantId(grantId);
  }
}

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  // Keep-alive connections from browsers would hold close() open.
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
