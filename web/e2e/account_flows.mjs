// Browser test of account recovery (issue 24): two-factor sign-in turned on from the account page (QR code, a
// first code, the recovery codes shown once), signing out and back in with a code and then with a recovery code,
// and a password reset from the mail a real SMTP server (python3-aiosmtpd, on 127.0.0.1) received. Usage (CTest
// runs it): node account_flows.mjs <obscura binary> <artifact dir>.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { check, finishRun, noProblemsStep, runCrashed, startRun, watch as watchPage } from './harness.mjs';

// A port nothing listens on yet, for the SMTP server.
const smtpPort = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});
// aiosmtpd's Mailbox makes the maildir itself, and fails on an empty directory that is not one yet.
const mailRoot = mkdtempSync(join(tmpdir(), 'obscura-mail-'));
const maildir = join(mailRoot, 'maildir');
if (!existsSync('/usr/bin/python3')) {
  console.log('SKIP: no /usr/bin/python3 for the SMTP server');
  process.exit(77);
}
const smtp = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir], { stdio: 'ignore' });

const { work, server, base, chromiumPath, steps, shot } = await startRun('account_flows.mjs', 'obscura-account-e2e-', {
  OBSCURA_MEDIA_SMTP_HOST: '127.0.0.1',
  OBSCURA_MEDIA_SMTP_PORT: String(smtpPort),
  OBSCURA_MEDIA_SMTP_TLS: 'none',
  OBSCURA_MEDIA_SMTP_FROM: 'Obscura <photos@example.org>',
});
const step = (name, fn) => steps.step(name, fn);
let browser;
const alerts = [];
const problems = [];

// RFC 6238 with SHA-1, 30 s, 6 digits, as an authenticator app computes it.
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}
function totp(secret, stepOffset = 0) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + stepOffset));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
async function mailWithLink(timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const f of existsSync(join(maildir, 'new')) ? readdirSync(join(maildir, 'new')) : []) {
      const m = /(http:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(readFileSync(join(maildir, 'new', f), 'utf8'));
      if (m) return m[1];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no reset mail arrived');
}

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a fresh passphrase 7';
try {
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  watchPage(page, alerts, problems);
  let secret = '';
  let recoveryCodes = [];
  const signInWithPassword = async (password) => {
    await page.goto(base + '/');
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
  };
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  };

  await step('the account page turns two-factor sign-in on with a QR code and shows 10 recovery codes once', async () => {
    const reg = await page.request.post(base + '/api/auth/register', { data: { username: 'ada', password: PASSWORD, email: 'ada@example.org' } });
    check(reg.status() === 201, `register: ${reg.status()}`);
    await page.goto(base + '/');
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(base + '/account');
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    secret = (await page.locator('.mfa-secret').textContent()).trim();
    check(secret.length === 32, `secret: ${secret}`);
    await shot(page, 'mfa-setup');
    await page.getByLabel('Code from the app').fill(totp(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('list', { name: 'Recovery codes' }).waitFor();
    recoveryCodes = await page.locator('.recovery-codes code').allTextContents();
    check(recoveryCodes.length === 10, `codes: ${recoveryCodes}`);
    await shot(page, 'mfa-recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('Two-factor sign-in is on. 10 recovery codes left.').waitFor();
  });

  await step('signed out, the password alone is not enough: a code from the app signs in', async () => {
    await signOut();
    await signInWithPassword(PASSWORD);
    await shot(page, 'mfa-sign-in');
    // The enabling code's step is spent: the next step's code (one step of drift is allowed) signs in.
    await page.getByLabel('Code from your authenticator app').fill(totp(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  await step('a recovery code signs in once; used again it is refused', async () => {
    await signOut();
    await signInWithPassword(PASSWORD);
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await signOut();
    await signInWithPassword(PASSWORD);
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('That code is not right, or was used already.').waitFor();
  });

  await step('"forgot password" mails a link; its page sets a new password that then signs in', async () => {
    await page.goto(base + '/');
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByLabel('E-mail address').fill('ada@example.org');
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('If an account has this address, a link is on its way.').waitFor();
    const link = await mailWithLink();
    check(link.startsWith(base + '/reset-password?token='), link);
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByText('Your password is changed. Sign in with it.').waitFor();
    await shot(page, 'password-reset-done');
    await page.goto(link);  // the link works once
    await page.getByLabel('New password', { exact: true }).fill('yet another passphrase');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByText('This link was used already or has expired.').waitFor();
    await signInWithPassword(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[1]);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  await noProblemsStep(steps, problems, alerts);
} catch (e) {
  runCrashed(steps, e);
}
smtp.kill('SIGTERM');
rmSync(mailRoot, { recursive: true, force: true });
await finishRun({ browser, server, work, steps });
