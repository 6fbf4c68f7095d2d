// Browser test of resumable uploads (issue 20): a 100 MB video goes through tus-js-client (bundled into the UI),
// the page is reloaded mid-way, the UI lists the unfinished upload, the same file chosen again resumes from the
// server's offset (not from zero) and finishes as one video. Then pause and resume, and cancel (the upload is
// terminated on the server). Upload speed is throttled through the DevTools protocol so "mid-way" exists.
// Usage (CTest runs it): node resumable_flows.mjs <obscura binary> <artifact dir>
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { check, finishRun, startRun, watch as watchPage } from './harness.mjs';

const { work, fixtures, server, base, chromiumPath, steps, shot } = await startRun('resumable_flows.mjs', 'obscura-web-tus-');
const step = (name, fn) => steps.step(name, fn);
let browser;
const alerts = [];
const problems = [];

// The clip padded with a top-level 'free' box to `total` bytes: still a video to ffprobe, big enough for tus.
function paddedVideo(name, total, seed) {
  const clip = readFileSync(fixtures.video);
  const path = join(work, name);
  const fd = openSync(path, 'w');
  writeSync(fd, clip);
  const pad = total - clip.length;
  const header = Buffer.alloc(8);
  header.writeUInt32BE(pad, 0);
  header.write('free', 4, 'ascii');
  writeSync(fd, header);
  const block = Buffer.alloc(1 << 20, seed);
  let left = pad - 8;
  while (left > 0) {
    const n = Math.min(left, block.length);
    writeSync(fd, block, 0, n);
    left -= n;
  }
  closeSync(fd);
  return path;
}

const PASSWORD = 'correct horse battery';
try {
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  watchPage(page, alerts, problems);
  const throttle = async (bytesPerSecond) => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  };
  const big = paddedVideo('big.mp4', 100 * 1000 * 1000, 1);
  const progressOf = async (name) =>
    page.locator('.upload-item', { hasText: name }).locator('progress').evaluate((e) => e.value);

  await step('sign up; the admin account starts with an empty library', async () => {
    await page.goto(base + '/');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create the admin account' }).click();
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor();
  });

  let before = 0;
  await step('a 100 MB video goes through tus; a reload mid-way leaves it listed as unfinished', async () => {
    await throttle(12 * 1000 * 1000);
    await page.setInputFiles('#upload-input', [big]);
    await page.waitForFunction(() => {
      const bar = document.querySelector('.upload-item progress');
      return bar && bar.value > 0.45;
    }, null, { timeout: 60_000 });
    before = await progressOf('big.mp4');
    await shot(page, 'tus-01-mid-way');
    await page.reload();
    const unfinished = page.locator('.upload-item[data-state="unfinished"]', { hasText: 'big.mp4' });
    await unfinished.waitFor({ timeout: 20_000 });
    check((await unfinished.textContent()).includes('choose this file again'), 'no resume hint');
    await shot(page, 'tus-02-after-reload');
  });

  await step('choosing the same file again resumes from the server (not from zero) and finishes as one video', async () => {
    await throttle(-1);
    await page.setInputFiles('#upload-input', [big]);
    const row = page.locator('.upload-item', { hasText: 'big.mp4' });
    await row.locator('.upload-status', { hasText: 'Resumed at' }).waitFor({ timeout: 30_000 });
    const resumedAt = Number(/Resumed at (\d+)%/.exec(await row.locator('.upload-status').textContent())[1]);
    check(resumedAt >= 30, `resumed at ${resumedAt}% after ${Math.round(before * 100)}% had been sent`);
    await page.locator('.upload-item[data-state="created"]', { hasText: 'big.mp4' }).waitFor({ timeout: 120_000 });
    await shot(page, 'tus-03-finished');
    const list = await page.request.get(base + '/api/assets?type=video');
    const items = (await list.json()).items;
    check(items.length === 1, `${items.length} videos in the library`);
    check(items[0].sizeBytes === 100 * 1000 * 1000 && items[0].originalFileName === 'big.mp4', JSON.stringify(items[0]));
    const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::')).length);
    check(left === 0, `${left} tus entries left in localStorage`);
  });

  await step('pause holds the upload where it is; resume finishes it', async () => {
    const second = paddedVideo('second.mp4', 40 * 1000 * 1000, 2);
    await throttle(8 * 1000 * 1000);
    await page.setInputFiles('#upload-input', [second]);
    const row = page.locator('.upload-item', { hasText: 'second.mp4' });
    await page.waitForFunction(() => {
      const bar = [...document.querySelectorAll('.upload-item')].find((r) => r.textContent.includes('second.mp4'));
      return bar && bar.querySelector('progress').value > 0.1;
    }, null, { timeout: 60_000 });
    await row.locator('button[data-action="pause"]').click();
    await row.locator('.upload-status', { hasText: 'Paused' }).waitFor();
    const paused = await progressOf('second.mp4');
    await page.waitForTimeout(1500);
    check((await progressOf('second.mp4')) - paused < 0.02, 'progress moved while paused');
    await throttle(-1);
    await row.locator('button[data-action="pause"]').click();
    await page.locator('.upload-item[data-state="created"]', { hasText: 'second.mp4' }).waitFor({ timeout: 60_000 });
  });

  await step('cancel stops the upload and removes it from the server', async () => {
    const third = paddedVideo('third.mp4', 40 * 1000 * 1000, 3);
    await throttle(4 * 1000 * 1000);
    await page.setInputFiles('#upload-input', [third]);
    const row = page.locator('.upload-item', { hasText: 'third.mp4' });
    await row.locator('button[data-action="cancel"]').waitFor();
    await page.waitForTimeout(1000);
    await row.locator('button[data-action="cancel"]').click();
    await page.locator('.upload-item[data-state="cancelled"]', { hasText: 'third.mp4' }).waitFor({ timeout: 20_000 });
    await throttle(-1);
    const list = await page.request.get(base + '/api/assets?type=video');
    check((await list.json()).items.length === 2, 'a cancelled upload became an asset');
  });

  await step('no script error, CSP violation or alert anywhere', async () => {
    check(problems.length === 0, problems.join('\n'));
    check(alerts.length === 0, `alerts: ${alerts.join(', ')}`);
  });
} catch (e) {
  console.log(`not ok - the test itself failed\n  ${String(e && e.stack ? e.stack : e)}`);
  steps.failed++;
}
await finishRun({ browser, server, work, steps });
