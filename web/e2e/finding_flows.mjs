// Browser test of finding photos again (issue 22): the map with clustered markers over tiles served from a local
// folder on 127.0.0.1 (no outside network), a marker and the "photos in this area" grid opening the viewer, the
// empty states (no photo with a position; no tile URL configured), the memories strip on the timeline opening a
// slideshow, and the search page's filter chips. Usage (CTest runs it): node finding_flows.mjs <obscura binary>
// <artifact dir>.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { check, finishRun, noProblemsStep, runCrashed, startRun, startServer, watch as watchPage } from './harness.mjs';

// The tile server: every /tiles/{z}/{x}/{y}.png answers the one PNG the folder holds (made with vips below).
const tileDir = join(process.env.TMPDIR || '/tmp', `obscura-tiles-${process.pid}`);
mkdirSync(tileDir, { recursive: true });
const tileFile = join(tileDir, 'tile.png');
execFileSync('vips', ['black', join(tileDir, 'black.v'), '256', '256', '--bands', '3']);
execFileSync('vips', ['linear', join(tileDir, 'black.v'), tileFile, '1 1 1', '170 211 223']);
const tilePng = readFileSync(tileFile);
let tileRequests = 0;
const tiles = createServer((req, res) => {
  if (!/^\/tiles\/\d+\/-?\d+\/-?\d+\.png$/.test(req.url ?? '')) {
    res.writeHead(404).end();
    return;
  }
  tileRequests++;
  res.writeHead(200, { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*' }).end(tilePng);
});
await new Promise((r) => tiles.listen(0, '127.0.0.1', r));
const tileUrl = `http://127.0.0.1:${tiles.address().port}/tiles/{z}/{x}/{y}.png`;
process.env.OBSCURA_SERVER_MAP_TILE_URL = tileUrl; // the server startRun starts inherits it

const { work, fixtures, server, base, chromiumPath, steps, shot } = await startRun('finding_flows.mjs', 'obscura-finding-e2e-');
const step = (name, fn) => steps.step(name, fn);
let browser;
let bare; // a second server without a tile URL
const alerts = [];
const problems = [];
const watch = (page) => watchPage(page, alerts, problems);

// A photo taken on today's date four years ago (same leap-ness as this year, so 29 February works too), in Tokyo:
// the memories strip's year. Made with vips, EXIF by exiftool.
const now = new Date();
const pad = (n) => String(n).padStart(2, '0');
const memoryYear = now.getFullYear() - 4;
const memoryFile = join(work, 'fixtures', 'memory.jpg');
execFileSync('vips', ['black', join(work, 'fixtures', 'm.v'), '900', '600', '--bands', '3']);
execFileSync('vips', ['linear', join(work, 'fixtures', 'm.v'), memoryFile, '1 1 1', '200 120 60']);
execFileSync('exiftool', ['-q', '-overwrite_original', `-DateTimeOriginal=${memoryYear}:${pad(now.getMonth() + 1)}:${pad(now.getDate())} 12:00:00`, '-GPSLatitude=35.6586', '-GPSLatitudeRef=N', '-GPSLongitude=139.7454', '-GPSLongitudeRef=E', memoryFile]);

const PASSWORD = 'correct horse battery';
try {
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  watch(page);
  const tile = (label) => page.locator(`.tile[aria-label="${label}"]`);
  const signIn = async (p, at, username) => {
    const reg = await p.request.post(at + '/api/auth/register', { data: { username, password: PASSWORD } });
    check(reg.status() === 201, `register: ${reg.status()}`);
    await p.goto(at + '/');
    await p.getByLabel('Username').fill(username);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
  };
  const ids = {};

  const ok = await step('the map says so when no photo has a position; then four photos with GPS are uploaded', async () => {
    await signIn(page, base, 'mapper');
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor();
    await page.goto(base + '/map');
    await page.getByRole('heading', { name: 'No photos with a location yet' }).waitFor();
    await page.goto(base + '/');
    await page.setInputFiles('#upload-input', [...fixtures.photoFiles, memoryFile]);
    await page.locator('.upload-panel[data-done="true"]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Close uploads' }).click();
    for (const name of ['eiffel.jpg', 'tower.jpg', 'square.jpg', 'memory.jpg']) {
      await tile(name).waitFor();
      ids[name] = await tile(name).getAttribute('data-id');
    }
  });
  if (!ok) throw new Error('setup failed');

  await step('the map: local tiles under the CSP, clustered markers, the photos in this area', async () => {
    await page.goto(base + '/map');
    await page.locator('.map-host[data-markers="4"]').waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('img.leaflet-tile')].some((i) => i.complete && i.naturalWidth === 256), null, { timeout: 20_000 });
    check(tileRequests > 0, 'no tile was asked of the local tile server');
    // Paris and London are one cluster at the world's zoom; New York and Tokyo their own pins.
    await page.locator('.leaflet-marker-icon').first().waitFor();
    const pins = await page.locator('.map-pin').count();
    const clusters = await page.locator('.marker-cluster').count();
    check(pins + clusters >= 2 && pins + clusters < 4 + 1, `pins ${pins}, clusters ${clusters}`);
    await page.getByRole('heading', { name: 'Photos in this area (4)' }).waitFor();
    await page.locator('.area-grid .tile').nth(3).waitFor();
    await shot(page, '60-map');
  });

  await step('a marker opens its photo in the viewer; so does a photo of the area', async () => {
    await page.locator(`.leaflet-marker-icon[title="${ids['square.jpg']}"]`).click();
    await page.locator('.pswp[data-ready]').waitFor();
    check(page.url().endsWith(`/photos/${ids['square.jpg']}`), `viewer url: ${page.url()}`);
    await page.keyboard.press('Escape');
    await page.locator('.pswp').waitFor({ state: 'detached' });
    check(new URL(page.url()).pathname === '/map', `back to ${page.url()}`);
    await page.locator('.area-grid .tile').first().click();
    await page.locator('.pswp[data-ready]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.pswp').waitFor({ state: 'detached' });
  });

  await step('the memories strip on the timeline opens that year as a slideshow', async () => {
    await page.goto(base + '/');
    const card = page.locator(`.memories .memory[data-year="${memoryYear}"]`);
    await card.waitFor();
    check((await card.textContent()).includes('4 years ago'), `card: ${await card.textContent()}`);
    await shot(page, '61-memories');
    await card.click();
    await page.locator('.pswp[data-slideshow="true"]').waitFor();
    check(page.url().endsWith(`/photos/${ids['memory.jpg']}`), `slideshow url: ${page.url()}`);
    await page.keyboard.press('Escape');
    await page.locator('.pswp').waitFor({ state: 'detached' });
  });

  await step('search filter chips: camera make, near a place, added by the form and removed by ×', async () => {
    await page.goto(base + '/search?make=Canon');
    await page.locator('.filter-chip[data-filter="make"]').waitFor();
    await tile('eiffel.jpg').waitFor();
    check((await page.locator('.tile').count()) === 1, 'make=Canon');
    await page.getByLabel('Camera make').fill('FUJIFILM');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await tile('tower.jpg').waitFor();
    check(new URL(page.url()).searchParams.get('make') === 'FUJIFILM', page.url());
    await page.getByLabel('Near: lat,lon,km').fill('51.5007,-0.1246,5');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('.filter-chip[data-filter="near"]').waitFor();
    await tile('tower.jpg').waitFor();
    await shot(page, '62-search-chips');
    await page.getByRole('button', { name: 'Remove the make filter' }).click();
    await page.locator('.filter-chip[data-filter="make"]').waitFor({ state: 'detached' });
    await tile('tower.jpg').waitFor();
    await page.getByRole('button', { name: 'Remove the near filter' }).click();
    await page.getByRole('heading', { name: 'Search your library' }).waitFor();
  });

  await step('search, map and admin carry the Upload button of the timeline, and an upload from there lands in the library', async () => {
    for (const path of ['/search?q=tower', '/search?tag=none', '/map', '/admin/users', '/admin/jobs']) {
      await page.goto(base + path);
      const button = page.locator('.topbar .upload-button');
      await button.waitFor({ timeout: 5000 });
      check((await button.textContent()).trim() === 'Upload', `${path}: button says ${await button.textContent()}`);
      check((await page.locator('#upload-input').count()) === 1, `${path}: no file input`);
    }
    // The same look as the timeline's (one component): primary colours, same size.
    const look = (p) => p.locator('.topbar .upload-button').evaluate((b) => { const c = getComputedStyle(b); return [c.backgroundColor, c.color, c.borderRadius, b.getBoundingClientRect().height].join(' '); });
    const onMap = await look(page);
    await page.goto(base + '/');
    check((await look(page)) === onMap, `timeline ${await look(page)} vs elsewhere ${onMap}`);
    // An upload from the search page lands in the library, with the same progress panel.
    await page.goto(base + '/search?make=Canon');
    await tile('eiffel.jpg').waitFor();
    await page.setInputFiles('#upload-input', fixtures.video);
    await page.locator('.upload-panel[data-done="true"]').waitFor({ timeout: 60_000 });
    check((await page.locator('.upload-summary').textContent()) === '1 uploaded', `summary: ${await page.locator('.upload-summary').textContent()}`);
    await page.getByRole('link', { name: 'Photos', exact: true }).click();
    await tile('clip.mp4').waitFor();
  });

  await step('the search filter row is styled like the rest: bordered, rounded, padded fields lined up with the heading', async () => {
    await page.goto(base + '/search?q=tower');
    await page.locator('.filter-form').waitFor();
    for (const selector of ['.filter-form input[name="make"]', '.filter-form input[name="from"]', '.filter-form select[name="type"]']) {
      const style = await page.locator(selector).evaluate((e) => { const c = getComputedStyle(e); return { radius: c.borderTopLeftRadius, pad: c.paddingLeft, border: `${c.borderTopWidth} ${c.borderTopStyle}` }; });
      check(style.radius === '8px' && style.pad === '10px' && style.border === '1px solid', `${selector}: ${JSON.stringify(style)}`);
    }
    const left = async (selector) => page.locator(selector).first().evaluate((e) => e.getBoundingClientRect().left);
    check(Math.abs((await left('.filter-form input[name="make"]')) - (await left('.page-head h1'))) < 1, 'the filter row does not line up with the heading');
    await shot(page, '63-search-filters');
  });

  await step('a server without a tile URL shows no map, and says why', async () => {
    process.env.OBSCURA_SERVER_MAP_TILE_URL = '';
    bare = await startServer(process.argv[2], join(work, 'bare-data'));
    const other = await context.newPage();
    watch(other);
    await signIn(other, bare.base, 'nomap');
    await other.getByRole('heading', { name: 'No photos yet' }).waitFor();
    await other.goto(bare.base + '/map');
    await other.getByRole('heading', { name: 'No map on this server' }).waitFor();
    await other.close();
  });

  await noProblemsStep(steps, problems, alerts);
} catch (e) {
  runCrashed(steps, e);
}
await bare?.stop();
tiles.close();
await finishRun({ browser, server, work, steps });
