// Browser test of near-duplicates and related photos (issue 22): a photo and its resized, re-encoded copy made with
// vips are uploaded with two unrelated photos; the viewer's details show related photos with the copy first (and a
// click opens it); the Duplicates page shows the pair side by side with resolution, size and date, keeps the larger
// and trashes the copy through the trash; the page is then empty and the copy is in the trash.
// Usage (CTest runs it): node dupes_flows.mjs <obscura binary> <artifact dir>
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { check, finishRun, noProblemsStep, runCrashed, startRun, watch as watchPage } from './harness.mjs';

const { work, fixtures, server, base, chromiumPath, steps, shot } = await startRun('dupes_flows.mjs', 'obscura-web-dupes-');
const step = (name, fn) => steps.step(name, fn);
let browser;
const alerts = [];
const problems = [];
const PASSWORD = 'correct horse battery';

// Half the size, JPEG quality 60: what a messenger does to a photo.
const copy = join(work, 'eiffel-small.jpg');
execFileSync('vips', ['resize', fixtures.photoFiles[0], `${copy}[Q=60]`, '0.5'], { stdio: ['ignore', 'ignore', 'pipe'] });

try {
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  watchPage(page, alerts, problems);
  const api = async (path) => {
    const r = await page.request.get(base + path);
    check(r.ok(), `${path}: ${r.status()}`);
    return r.json();
  };
  const ids = {};

  await step('sign up and upload a photo, its resized re-encoded copy and two other photos', async () => {
    await page.goto(base + '/');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create the admin account' }).click();
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor();
    await page.setInputFiles('#upload-input', [...fixtures.photoFiles, copy]);
    await page.locator('.upload-panel[data-done="true"]').waitFor({ timeout: 60_000 });
    // Thumbnails (and with them the hashes) are made by the media jobs: wait for the pair to show up.
    const deadline = Date.now() + 90_000;
    let groups = [];
    while (Date.now() < deadline) {
      groups = await api('/api/duplicates');
      if (groups.length) break;
      await page.waitForTimeout(250);
    }
    check(groups.length === 1, `groups: ${JSON.stringify(groups.map((g) => g.assets.map((a) => a.originalFileName)))}`);
    for (const a of groups[0].assets) ids[a.originalFileName] = a.id;
    check(ids['eiffel.jpg'] && ids['eiffel-small.jpg'], 'the pair is not the photo and its copy');
  });

  await step('the viewer lists related photos under the details, the copy first, and opens one on click', async () => {
    await page.goto(base + `/photos/${ids['eiffel.jpg']}`);
    await page.locator('.pswp[data-ready]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Details (i)' }).click();
    const first = page.locator('.info-panel .related-item').first();
    await first.waitFor({ timeout: 20_000 });
    check((await first.getAttribute('data-asset-id')) === ids['eiffel-small.jpg'], 'the copy is not the first related photo');
    check((await first.getAttribute('title')).includes('looks alike'), 'no reason given');
    await shot(page, 'dupes-01-related');
    await first.click();
    await page.waitForFunction((id) => location.pathname === `/photos/${id}`, ids['eiffel-small.jpg'], { timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.locator('.pswp').waitFor({ state: 'detached' });
  });

  await step('the Duplicates page shows the pair side by side with resolution, size and date', async () => {
    await page.getByRole('link', { name: 'Duplicates' }).click();
    const group = page.locator('.duplicates .group');
    await group.waitFor();
    check((await group.count()) === 1, 'one group');
    check((await group.locator('.member').count()) === 2, 'two photos');
    const big = group.locator(`.member[data-asset-id="${ids['eiffel.jpg']}"]`);
    const small = group.locator(`.member[data-asset-id="${ids['eiffel-small.jpg']}"]`);
    check((await big.locator('.resolution').textContent()) === '1600 × 1067', 'resolution of the original');
    check(/^800 × 53[34]$/.test(await small.locator('.resolution').textContent()), 'resolution of the copy');
    check(/\d/.test(await small.locator('.size').textContent()), 'size shown');
    check((await big.locator('.taken').textContent()).includes('2024'), 'date shown');
    // The larger picture is kept by default.
    check((await big.getAttribute('data-choice')) === 'keep', 'the original is not kept');
    check((await small.getAttribute('data-choice')) === 'trash', 'the copy is not marked for the trash');
    await shot(page, 'dupes-02-group');
  });

  await step('Resolve trashes the copy through the trash and the page is empty', async () => {
    await page.locator('.duplicates .group').getByRole('button', { name: 'Resolve' }).click();
    await page.getByRole('heading', { name: 'No duplicates' }).waitFor();
    const copyAsset = await api(`/api/assets/${ids['eiffel-small.jpg']}`);
    check(copyAsset.isTrashed === true, 'the copy is not in the trash');
    const original = await api(`/api/assets/${ids['eiffel.jpg']}`);
    check(original.isTrashed === false, 'the original was trashed');
    check((await api('/api/duplicates')).length === 0, 'the group is still listed');
    await page.reload();
    await page.getByRole('heading', { name: 'No duplicates' }).waitFor();
    await shot(page, 'dupes-03-resolved');
  });

  await noProblemsStep(steps, problems, alerts);
} catch (e) {
  runCrashed(steps, e);
} finally {
  await finishRun({ browser, server, work, steps });
}
