// A real OpenID provider for Obscura's OIDC tests: panva's oidc-provider (OpenID-certified) on 127.0.0.1, with a
// tiny interaction (a form asking which test account signs in; consent granted for what was asked) instead of
// devInteractions, so a test — curl-like or a browser — can sign in without screen-scraping.
//
//   node provider.mjs <port-file>      listens on 127.0.0.1:<free port>, writes the port into <port-file>
//
// Test-only control routes (JSON bodies), never part of the provider itself:
//   POST /test/configure {clientId, clientSecret, redirectUris, keys:["a"|"b"|"ec"], idTokenAlg}
//        a fresh provider instance with that client and that signing key set (the first key signs): switching
//        from ["a"] to ["b"] is a key rotation
//   POST /test/accounts {id: {claims…}}     the accounts the interaction form accepts
//   POST /test/tamper {mode}                the id_token of the NEXT token response is altered after the real
//        provider issued it: expired | wrong-audience | wrong-nonce | unknown-key | alg-none | hs256
//   GET  /test/stats                        {jwks, token}: requests served
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import * as jose from 'jose';
import Provider from 'oidc-provider';

const portFile = process.argv[2];
if (!portFile) {
  console.error('usage: provider.mjs <port-file>');
  process.exit(2);
}

async function makeKey(alg, kid) {
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await jose.exportJWK(privateKey)), kid, alg, use: 'sig' };
  return { alg, kid, jwk, privateKey, publicPem: await jose.exportSPKI(publicKey) };
}

const keys = {
  a: await makeKey('RS256', 'rsa-a'),
  b: await makeKey('RS256', 'rsa-b'),
  ec: await makeKey('ES256', 'ec-1'),
};
const stranger = await makeKey('RS256', 'stranger'); // never published

let accounts = {};
let tamper = null;
let activeKeys = [keys.a];
const stats = { jwks: 0, token: 0 };
let provider = null;
let issuer = '';

const b64 = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

async function forge(idToken, mode) {
  const claims = jose.decodeJwt(idToken);
  const header = jose.decodeProtectedHeader(idToken);
  const now = Math.floor(Date.now() / 1000);
  const signer = activeKeys[0];
  const sign = (c, key, h) => new jose.SignJWT(c).setProtectedHeader(h).sign(key);
  switch (mode) {
    case 'expired':
      return sign({ ...claims, iat: now - 7200, exp: now - 3600 }, signer.privateKey, header);
    case 'wrong-audience':
      return sign({ ...claims, aud: 'someone-else' }, signer.privateKey, header);
    case 'wrong-nonce':
      return sign({ ...claims, nonce: 'not-the-one' }, signer.privateKey, header);
    case 'unknown-key':
      return sign(claims, stranger.privateKey, { alg: 'RS256', kid: 'stranger' });
    case 'alg-none':
      return `${b64({ alg: 'none', kid: header.kid })}.${b64(claims)}.`;
    case 'hs256': // the classic confusion: HMAC keyed with the provider's public key text
      return sign(claims, new TextEncoder().encode(signer.publicPem), { alg: 'HS256', kid: header.kid });
    default:
      throw new Error(`unknown tamper mode ${mode}`);
  }
}

function configure({ clientId, clientSecret, redirectUris, keys: keyNames = ['a'], idTokenAlg }) {
  activeKeys = keyNames.map((k) => keys[k]);
  const p = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret || undefined,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: clientSecret ? 'client_secret_basic' : 'none',
        id_token_signed_response_alg: idTokenAlg || activeKeys[0].alg,
      },
    ],
    jwks: { keys: activeKeys.map((k) => k.jwk) },
    async findAccount(ctx, id) {
      if (!accounts[id]) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
      quota: ['quota_bytes'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['obscura-test-provider'] },
    pkce: { required: () => true },
  });
  p.use(async (ctx, next) => {
    if (ctx.path === '/jwks') stats.jwks += 1;
    await next();
    if (ctx.path === '/token' && ctx.method === 'POST') {
      stats.token += 1;
      if (tamper && ctx.body && ctx.body.id_token) {
        ctx.body = { ...ctx.body, id_token: await forge(ctx.body.id_token, tamper) };
        tamper = null;
      }
    }
  });
  provider = p;
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error) {
  return `<!doctype html><html><head><title>Test provider</title></head><body>
<h1>Test OpenID provider</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Account <input name="login" autocomplete="username" autofocus></label>
<button type="submit">Continue</button></form></body></html>`;
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'text/plain', 'interaction mismatch');
  if (!action) return send(res, 200, 'text/html; charset=utf-8', loginPage(uid));
  const login = new URLSearchParams(await readBody(req)).get('login') || '';
  if (!accounts[login]) return send(res, 400, 'text/html; charset=utf-8', loginPage(uid, 'no such account'));
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  return provider.interactionFinished(
    req,
    res,
    { login: { accountId: login }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/test/configure' && req.method === 'POST') {
      configure(JSON.parse(await readBody(req)));
      return send(res, 204, 'text/plain', '');
    }
    if (url.pathname === '/test/accounts' && req.method === 'POST') {
      accounts = JSON.parse(await readBody(req));
      return send(res, 204, 'text/plain', '');
    }
    if (url.pathname === '/test/tamper' && req.method === 'POST') {
      tamper = JSON.parse(await readBody(req)).mode;
      return send(res, 204, 'text/plain', '');
    }
    if (url.pathname === '/test/stats') return send(res, 200, 'application/json', JSON.stringify(stats));
    if (!provider) return send(res, 503, 'text/plain', 'not configured yet: POST /test/configure');
    const m = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (m) return await interaction(req, res, m[1], m[2] && req.method === 'POST');
    return provider.callback()(req, res);
  } catch (err) {
    console.error(err);
    if (!res.headersSent) send(res, 500, 'text/plain', String(err && err.message));
  }
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  issuer = `http://127.0.0.1:${port}`;
  writeFileSync(`${portFile}.tmp`, String(port));
  // Renamed into place, so a reader never sees a half-written file.
  import('node:fs').then((fs) => fs.renameSync(`${portFile}.tmp`, portFile));
  console.log(`test OpenID provider at ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
