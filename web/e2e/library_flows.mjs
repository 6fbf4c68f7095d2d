// Browser test of issue 23's library formats: a camera RAW (a DNG written by tests/support/make_dng.py with a JPEG
// preview made by vips) shows its preview in the lightbox, and a live photo (a vips JPEG whose XMP
// ContentIdentifier exiftool wrote, and a 2-s H.264 movie whose com.apple.quicktime.content.identifier ffmpeg wrote)
// is one tile with a LIVE badge whose motion part plays on hover.
// Usage (CTest runs it): node library_flows.mjs <obscura binary> <artifact dir>
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { check, finishRun, lightbox, noProblemsStep, runCrashed, startRun, watch } from './harness.mjs';

const { work, server, base, chromiumPath, steps, shot } = await startRun('library_flows.mjs', 'obscura-web-library-');
const step = (name, fn) => steps.step(name, fn);
let browser;
const alerts = [];
const problems = [];
const source = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const CONTENT_ID = '5A1C8E2B-3F4D-4E6A-9B7C-0D1E2F3A4B5C';

function makeLibraryFixtures() {
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  run('vips', ['xyz', 'xy.v', '1600', '1200']);
  run('vips', ['extract_band', 'xy.v', 'x.v', '0']);
  run('vips', ['bandjoin', 'x.v x.v x.v', 'grad.v']);
  run('vips', ['linear', 'grad.v', 'grad2.v', '0.1', '20']);
  run('vips', ['cast', 'grad2.v', 'grad8.v', 'uchar']);
  run('vips', ['copy', 'grad8.v', 'embedded.jpg', '--interpretation', 'srgb']);
  run('/usr/bin/python3', [source('tests/support/make_dng.py'), 'raw.dng', '256', '192', 'embedded.jpg']);
  run('vips', ['copy', 'grad8.v', 'live.jpg', '--interpretation', 'srgb']);
  run('exiftool', ['-config', source('tests/support/live_photo.exiftool_config'), '-q', '-q', '-overwrite_original', `-XMP-LivePhoto:ContentIdentifier=${CONTENT_ID}`, '-EXIF:DateTimeOriginal=2024:06:01 12:00:00', 'live.jpg']);
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-metadata', `com.apple.quicktime.content.identifier=${CONTENT_ID}`, '-movflags', 'use_metadata_tags', 'live.mp4']);
  return { raw: join(work, 'raw.dng'), still: join(work, 'live.jpg'), motion: join(work, 'live.mp4') };
}

const PASSWORD = 'correct horse battery';
try {
  const files = makeLibraryFixtures();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  watch(page, alerts, problems);
  const { tile, openTile, closeViewer } = lightbox(page);
  const uploadAll = async (paths) => {
    await page.setInputFiles('#upload-input', paths);
    await page.locator('.upload-panel[data-done="true"]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Close uploads' }).click();
  };

  await step('sign up; a RAW and the motion part, then the still, are uploaded', async () => {
    await page.goto(base + '/');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create the admin account' }).click();
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor();
    await uploadAll([files.raw, files.motion]);
    await uploadAll([files.still]);
  });

  await step('the live photo is one tile: its motion part is not in the timeline', async () => {
    await page.goto(base + '/');
    await page.waitForFunction(() => document.querySelectorAll('.tile.loaded').length === 2, null, { timeout: 120_000 });
    check((await tile('live.mp4').count()) === 0, 'the motion part has a tile of its own');
    check((await tile('live.jpg').count()) === 1 && (await tile('raw.dng').count()) === 1, 'tiles missing');
    await shot(page, 'library-01-timeline');
  });

  await step("a RAW's preview shows in the lightbox", async () => {
    await page.goto(base + '/');  // fresh asset objects: the preview is ready by now
    await tile('raw.dng').waitFor();
    await openTile('raw.dng');
    await page.waitForFunction(() => {
      const img = document.querySelector('.pswp__item:not([aria-hidden="true"]) img.pswp__img:not(.pswp__img--placeholder)');
      return img && img.complete && img.naturalWidth > 0 && /size=preview/.test(img.currentSrc || img.src);
    }, null, { timeout: 60_000 });
    await shot(page, 'library-02-raw-preview');
    await closeViewer();
  });

  await step('a live photo shows a LIVE badge and plays its motion part on hover', async () => {
    if (await page.locator('.pswp').count()) await closeViewer();
    await openTile('live.jpg');
    const badge = page.locator('.live-badge');
    await badge.waitFor({ state: 'visible' });
    await badge.hover();

    await page.waitForFunction(() => {
      const v = document.querySelector('.pswp__item:not([aria-hidden="true"]) video.live-photo-video');
      if (!v || v.hidden || v.paused || v.currentTime <= 0) return false;
      // Over the picture, at its size (it takes no pointer events, so elementsFromPoint cannot tell).
      const r = v.getBoundingClientRect();
      const img = document.querySelector('.pswp__item:not([aria-hidden="true"]) img.pswp__img:not(.pswp__img--placeholder)').getBoundingClientRect();
      const cx = img.x + img.width / 2;
      const cy = img.y + img.height / 2;
      return r.width > 100 && r.x <= cx && cx <= r.right && r.y <= cy && cy <= r.bottom;
    }, null, { timeout: 60_000 });
    await shot(page, 'library-03-live-playing');
    await page.mouse.move(5, 400);
    await page.waitForFunction(() => {
      const v = document.querySelector('video.live-photo-video');
      return v && v.hidden && v.paused;
    }, null, { timeout: 10_000 });
    await closeViewer();
  });

  await noProblemsStep(steps, problems, alerts);
} catch (e) {
  runCrashed(steps, e);
}
await finishRun({ browser, server, work, steps });
