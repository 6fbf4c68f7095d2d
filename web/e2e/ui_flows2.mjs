// Browser test of the web UI's second half (issue 10): selection → album, share links opened by a stranger
// (password, exactly the shared assets, no download when not allowed, revoked notice), search and tags,
// favourites and archive, account (profile, avatar, password, API key used with curl, usage), and admin (users
// created, signed in, disabled; a non-admin sees no admin page and gets 403; failed jobs). Usage (CTest runs
// it): node ui_flows2.mjs <obscura binary> <artifact dir>. Screenshots of each new screen go to the artifact dir.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { check, finishRun, noProblemsStep, runCrashed, startRun, watch as watchPage } from './harness.mjs';

const { work, fixtures, server, base, chromiumPath, steps, shot } = await startRun('ui_flows2.mjs', 'obscura-web2-e2e-');
const { photoFiles, video } = fixtures;
const step = (name, fn) => steps.step(name, fn);
let browser;
async function finish() {
  await finishRun({ browser, server, work, steps });
}
const alerts = [];
const problems = [];
const watch = (page) => watchPage(page, alerts, problems);

// curl, as a script outside the browser would call the API: [status, body].
function curl(path, headers = []) {
  const out = execFileSync('curl', ['-s', '-w', '\n%{http_code}', ...headers.flatMap((h) => ['-H', h]), base + path]).toString();
  const at = out.lastIndexOf('\n');
  return [Number(out.slice(at + 1)), out.slice(0, at)];
}

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'staple battery horse';
const BOB_PASSWORD = 'bobs own secret 42';
try {
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', acceptDownloads: true });
  const page = await context.newPage();
  watch(page);
  const tile = (label) => page.locator(`.tile[aria-label="${label}"]`);
  const labels = async (p = page) => (await p.locator('.tile').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).sort();
  const origin = { headers: { Origin: base } };
  const signIn = async (p, username, password) => {
    await p.goto(base + '/');
    await p.getByLabel('Username').fill(username);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: 'Sign in' }).click();
  };
  const ids = {};

  const ok = await step('setup: the admin signs in and uploads three photos and a video', async () => {
    const reg = await page.request.post(base + '/api/auth/register', { data: { username: 'admin', password: PASSWORD, displayName: 'Ada Admin' } });
    check(reg.status() === 201, `register: ${reg.status()}`);
    await signIn(page, 'admin', PASSWORD);
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor();
    await page.setInputFiles('#upload-input', [...photoFiles, video]);
    await page.locator('.upload-panel[data-done="true"]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Close uploads' }).click();
    for (const name of ['eiffel.jpg', 'tower.jpg', 'square.jpg', 'clip.mp4']) {
      await tile(name).waitFor();
      ids[name] = await tile(name).getAttribute('data-id');
    }
    // Words to search for, and tags for the tags page.
    const r = await page.request.patch(`${base}/api/assets/${ids['eiffel.jpg']}`, { ...origin, data: { title: 'Sunset over the Seine', tags: ['paris', 'travel'] } });
    check(r.status() === 200, `title: ${r.status()}`);
    await page.request.patch(`${base}/api/assets/${ids['tower.jpg']}`, { ...origin, data: { tags: ['travel'] } });
    await page.reload();
    await tile('Sunset over the Seine').waitFor();
    // Thumbnails, when the media module makes them, so the screenshots show pictures.
    await page.waitForFunction(() => document.querySelectorAll('.tile.loaded').length === 4, null, { timeout: 60_000 }).catch(() => {});
  });
  if (!ok) await finish();

  await step('multi-select (check, shift-click range, a whole day) → new album → album view', async () => {
    await tile('Sunset over the Seine').hover();
    await tile('Sunset over the Seine').locator('.tile-check').click();
    await page.locator('.selection-bar').waitFor();
    check((await page.locator('.selection-count').textContent()) === '1 selected', 'first check');
    // Shift-click on the video (two tiles later in the timeline): the range takes the tower too.
    await tile('clip.mp4').click({ modifiers: ['Shift'] });
    check((await page.locator('.selection-count').textContent()) === '3 selected', `range: ${await page.locator('.selection-count').textContent()}`);
    await tile('clip.mp4').click(); // a plain click toggles while selecting
    check((await page.locator('.selection-count').textContent()) === '2 selected', 'toggle off');
    // The square's day (2 May) by its header.
    await page.getByRole('button', { name: /^Select .*2 May|^Select .*May 2/ }).click();
    check((await page.locator('.tile.selected').count()) === 3, 'the day header did not select the square');
    await page.locator('.grid-scroller').evaluate((e) => e.scrollTo(0, 0));
    await shot(page, '20-selection');
    await page.getByRole('button', { name: 'Add to album' }).click();
    await page.getByLabel('New album name').fill('Paris trip');
    await shot(page, '21-add-to-album-dialog');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.waitForURL(/\/albums\/[^/]+$/);
    await page.getByRole('heading', { name: 'Paris trip' }).waitFor();
    await tile('square.jpg').waitFor();
    check(JSON.stringify(await labels()) === JSON.stringify(['Sunset over the Seine', 'square.jpg', 'tower.jpg']), `album holds ${await labels()}`);
    check((await page.locator('.album-title .muted').textContent()) === '3 items', 'count');
    check((await page.locator('.selection-bar').isHidden()), 'the selection outlived the page');
  });

  await step('album: rename and describe, choose the cover, remove and add back, list with cover and count', async () => {
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Paris 2024');
    await page.getByLabel('Description').fill('Three days in June, and one in May.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Paris 2024' }).waitFor();
    await tile('square.jpg').locator('.tile-check').click();
    await page.getByRole('button', { name: 'Set as cover' }).click();
    await page.getByText('Cover set').waitFor();
    await tile('tower.jpg').locator('.tile-check').click();
    await page.getByRole('button', { name: 'Remove from album' }).click();
    await tile('tower.jpg').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Add photos' }).click();
    await page.getByRole('checkbox', { name: 'tower.jpg' }).check();
    await shot(page, '22-add-photos-picker');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await tile('tower.jpg').waitFor();
    await shot(page, '23-album-view');
    await page.getByRole('link', { name: 'Albums', exact: true }).click();
    const card = page.getByRole('link', { name: 'Paris 2024', exact: true });
    await card.waitFor();
    check((await card.locator('.album-count').textContent()) === '3 items', 'card count');
    check((await card.locator('img.album-cover').getAttribute('src')).includes(ids['square.jpg']), 'the chosen cover');
    await shot(page, '24-albums');
  });

  await step('an album created empty from the albums page, a selection added to an existing album, an album deleted', async () => {
    await page.getByRole('button', { name: 'New album' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Scratch');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Scratch' }).waitFor();
    await page.getByRole('heading', { name: 'This album is empty' }).waitFor();
    await page.getByRole('link', { name: 'Photos', exact: true }).click();
    await tile('square.jpg').locator('.tile-check').click();
    await tile('tower.jpg').locator('.tile-check').click();
    await page.getByRole('button', { name: 'Add to album' }).click();
    await page.getByRole('radio', { name: 'Scratch (0)' }).check();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('2 added').waitFor();
    await tile('square.jpg').locator('.tile-check').click();
    await page.getByRole('button', { name: 'Add to album' }).click();
    await page.getByRole('radio', { name: 'Scratch (2)' }).check();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('0 added, 1 already there').waitFor();
    await page.getByRole('link', { name: 'Albums', exact: true }).click();
    await page.getByRole('link', { name: 'Scratch' }).click();
    await tile('tower.jpg').waitFor();
    await page.getByRole('button', { name: 'Delete' }).click(); // the confirm is accepted
    await page.waitForURL(/\/albums$/);
    await card(page).waitFor();
    check((await page.getByRole('link', { name: 'Scratch' }).count()) === 0, 'the deleted album is listed');
    await page.request.get(base + '/api/assets/' + ids['tower.jpg']).then((r) => check(r.status() === 200, 'deleting the album deleted a photo'));
  });

  let albumUrl = '';
  let selectionUrl = '';
  const stranger = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const visitor = await stranger.newPage();
  watch(visitor);
  await step('share links: an album with a password and no downloads, a selection with downloads', async () => {
    await card(page).click();
    await page.getByRole('button', { name: 'Share' }).click();
    await page.getByLabel('Expires after').selectOption({ label: '7 days' });
    await page.getByLabel('Password (optional)').fill('open sesame 7');
    await page.getByLabel('Allow downloading originals').uncheck();
    await shot(page, '25-share-dialog');
    await page.getByRole('button', { name: 'Create link' }).click();
    albumUrl = await page.getByLabel('Link', { exact: true }).inputValue();
    check(/\/s\/[A-Za-z0-9_-]{20,}$/.test(albumUrl), `url ${albumUrl}`);
    await shot(page, '26-link-created');
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('link', { name: 'Photos', exact: true }).click();
    await tile('tower.jpg').locator('.tile-check').click();
    await page.getByRole('button', { name: 'Share' }).click();
    await page.getByRole('button', { name: 'Create link' }).click();
    selectionUrl = await page.getByLabel('Link', { exact: true }).inputValue();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Clear selection' }).click().catch(() => {});
  });
  function card(p) {
    return p.getByRole('link', { name: 'Paris 2024', exact: true });
  }

  await step('a stranger opens the album link: wrong password refused, the right one shows exactly the album, no download', async () => {
    await visitor.goto(albumUrl);
    await visitor.getByRole('heading', { name: 'This link is protected' }).waitFor();
    await visitor.getByLabel('Password').fill('guess');
    await visitor.getByRole('button', { name: 'Open' }).click();
    await visitor.getByText('That password is not right.').waitFor();
    await shot(visitor, '27-shared-password-wrong');
    check(!(await stranger.cookies()).some((c) => c.name === 'obscura_share'), 'a wrong password got a cookie');
    await visitor.getByLabel('Password').fill('open sesame 7');
    await visitor.getByRole('button', { name: 'Open' }).click();
    await visitor.getByRole('heading', { name: 'Paris 2024' }).waitFor();
    await visitor.locator('.tile').first().waitFor();
    check(JSON.stringify(await labels(visitor)) === JSON.stringify(['Sunset over the Seine', 'square.jpg', 'tower.jpg']), `shared: ${await labels(visitor)}`);
    check((await visitor.getByRole('button', { name: 'Download all' }).count()) === 0, 'download offered');
    await visitor.waitForFunction(() => document.querySelectorAll('.tile.loaded').length === 3, null, { timeout: 30_000 }).catch(() => {});
    await shot(visitor, '28-shared-album');
    await visitor.locator('.tile[aria-label="square.jpg"]').click();
    await visitor.locator('.pswp[data-ready]').waitFor();
    check((await visitor.locator('.pswp__button--download').count()) === 0, 'download button in the lightbox');
    check((await visitor.locator('.pswp__button--info').count()) === 0, 'owner panel in the lightbox');
    await shot(visitor, '29-shared-lightbox');
    await visitor.keyboard.press('Escape');
    const key = albumUrl.split('/s/')[1];
    const original = await visitor.request.get(`${base}/api/shared/${key}/assets/${ids['square.jpg']}/original`);
    check(original.status() === 403, `original through a view-only link: ${original.status()}`);
    const other = await visitor.request.get(`${base}/api/shared/${key}/assets/${ids['clip.mp4']}/thumbnail?size=thumbnail`);
    check(other.status() === 404, `an asset outside the link: ${other.status()}`);
    check((await visitor.request.get(`${base}/api/assets`)).status() === 401, 'the visitor reached the owner API');
  });

  await step('the selection link shows just that photo, with downloads', async () => {
    await visitor.goto(selectionUrl);
    await visitor.getByRole('button', { name: 'Download all' }).waitFor();
    check(JSON.stringify(await labels(visitor)) === JSON.stringify(['tower.jpg']), `shared: ${await labels(visitor)}`);
    await visitor.locator('.tile').click();
    await visitor.locator('.pswp[data-ready]').waitFor();
    const href = await visitor.locator('.pswp__button--download').getAttribute('href');
    check(href && href.endsWith(`/assets/${ids['tower.jpg']}/original`), `download href ${href}`);
    check((await visitor.request.get(base + href)).status() === 200, 'the original did not download');
    await visitor.keyboard.press('Escape');
  });

  await step('my links are listed, copied and revoked; the revoked link shows the notice', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.getByRole('link', { name: 'Albums', exact: true }).click();
    const row = page.locator('.link-row', { hasText: 'Album “Paris 2024”' });
    await row.waitFor();
    check((await page.locator('.link-row').count()) === 2, 'two links');
    await row.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Link copied').waitFor();
    check((await page.evaluate(() => navigator.clipboard.readText())) === albumUrl, 'clipboard');
    await shot(page, '30-my-links');
    await row.getByRole('button', { name: /^Revoke/ }).click();
    await row.waitFor({ state: 'detached' });
    await visitor.goto(albumUrl);
    await visitor.getByRole('heading', { name: 'This link is no longer available' }).waitFor();
    await shot(visitor, '31-shared-revoked');
  });

  await step('search finds an asset by a word of its title; tags page with counts', async () => {
    await page.getByRole('searchbox', { name: 'Search' }).fill('seine');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=seine$/);
    await page.getByRole('heading', { name: 'Results for “seine”' }).waitFor();
    await tile('Sunset over the Seine').waitFor();
    check(JSON.stringify(await labels()) === JSON.stringify(['Sunset over the Seine']), `results: ${await labels()}`);
    await shot(page, '32-search');
    await page.getByRole('searchbox', { name: 'Search' }).fill('nothingmatchesthis');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'No matches' }).waitFor();
    await page.getByRole('link', { name: 'Tags', exact: true }).click();
    const travel = page.locator('.tag-chip', { hasText: 'travel' });
    await travel.waitFor();
    check((await travel.locator('.tag-count').textContent()) === '2', 'travel count');
    check((await page.locator('.tag-chip', { hasText: 'paris' }).locator('.tag-count').textContent()) === '1', 'paris count');
    await shot(page, '33-tags');
    await travel.click();
    await tile('tower.jpg').waitFor();
    check((await page.locator('.tile').count()) === 2, 'tag grid');
  });

  await step('favourite and archive from the selection; favourites and archive views', async () => {
    await page.getByRole('link', { name: 'Photos', exact: true }).click();
    await tile('tower.jpg').focus();
    await page.keyboard.press(' '); // Space selects from the keyboard
    check((await page.locator('.tile.selected').count()) === 1, 'Space did not select');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download', exact: true }).click()]);
    check(download.suggestedFilename() === 'tower.jpg', `downloaded ${download.suggestedFilename()}`);
    await page.getByRole('button', { name: 'Favourite' }).click();
    await tile('tower.jpg').locator('.fav').waitFor();
    await tile('clip.mp4').locator('.tile-check').click();
    await page.getByRole('button', { name: 'Archive' }).click();
    await tile('clip.mp4').waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Favourites', exact: true }).click();
    await tile('tower.jpg').waitFor();
    check((await page.locator('.tile').count()) === 1, 'favourites');
    await shot(page, '34-favourites');
    await page.getByRole('link', { name: 'Archive', exact: true }).click();
    await tile('clip.mp4').waitFor();
    check((await page.locator('.tile').count()) === 1, 'archive');
    await shot(page, '35-archive');
    await tile('clip.mp4').locator('.tile-check').click();
    await page.getByRole('button', { name: 'Unarchive' }).click();
    await page.getByRole('heading', { name: 'The archive is empty' }).waitFor();
  });

  await step('no avatar: initials, and nothing fetched; with one, it is fetched at most once per page', async () => {
    const avatarRequests = [];
    const onRequest = (r) => r.method() === 'GET' && new URL(r.url()).pathname.endsWith('/avatar') && avatarRequests.push(r.url());
    page.on('request', onRequest);
    try {
      check((await (await page.request.get(base + '/api/users/me')).json()).avatarUrl === null, 'the admin has an avatar already');
      await page.goto(base + '/');
      await tile('Sunset over the Seine').waitFor();
      await page.getByRole('link', { name: 'Account', exact: true }).click();
      await page.locator('.avatar-large .avatar-letter').waitFor();
      await page.getByRole('link', { name: 'Albums', exact: true }).click();
      await page.locator('.topbar .avatar-letter').waitFor();
      check(avatarRequests.length === 0, `avatar asked for while the user has none: ${avatarRequests.join(', ')}`);
      const put = await page.request.put(base + '/api/users/me/avatar', { headers: { Origin: base, 'Content-Type': 'image/jpeg' }, data: readFileSync(photoFiles[1]) });
      check(put.status() === 200, `avatar upload: ${put.status()}`);
      const url = (await (await page.request.get(base + '/api/users/me')).json()).avatarUrl;
      check(typeof url === 'string' && url.includes('/avatar?v='), `avatarUrl: ${url}`);
      // One page load, then pages opened inside it (the top bar's avatar on each, and the account page's large one).
      await page.goto(base + '/');
      await tile('Sunset over the Seine').waitFor();
      await page.getByRole('link', { name: 'Account', exact: true }).click();
      await page.waitForFunction(() => [...document.querySelectorAll('img.avatar')].length === 2 && [...document.querySelectorAll('img.avatar')].every((i) => i.complete && i.naturalWidth > 0));
      await page.getByRole('link', { name: 'Albums', exact: true }).click();
      await page.waitForFunction(() => { const i = document.querySelector('.topbar img.avatar'); return i && i.complete && i.naturalWidth > 0; });
      check(avatarRequests.length <= 1, `avatar fetched ${avatarRequests.length} times in one page: ${avatarRequests.join(', ')}`);
      check(avatarRequests.every((u) => u === base + url), `not the avatarUrl: ${avatarRequests.join(', ')}`);
    } finally {
      page.off('request', onRequest);
    }
  });

  await step('account: usage bars, profile, avatar', async () => {
    const me = await (await page.request.get(base + '/api/users/me')).json();
    await page.request.patch(`${base}/api/admin/users/${me.id}`, { ...origin, data: { quotaBytes: 4 * 1024 * 1024 } });
    await page.getByRole('link', { name: 'Account', exact: true }).click();
    const storage = page.locator('.usage[data-usage="Storage"]');
    await storage.waitFor();
    check(/ of 4\.0 MB \(\d+ %\)/.test(await storage.textContent()), `storage usage: ${await storage.textContent()}`);
    const fraction = await storage.locator('progress').evaluate((p) => p.value / p.max);
    check(fraction > 0 && fraction < 1, `storage bar at ${fraction}`);
    await page.locator('.usage[data-usage="Bandwidth this month"]').waitFor();
    await page.getByLabel('Display name').fill('Ada Lovelace');
    await page.getByLabel('E-mail').fill('ada@example.org');
    await page.getByLabel('Bio').fill('Counts things.');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved').waitFor();
    check((await page.locator('.topbar .user-name').textContent()) === 'Ada Lovelace', 'name in the top bar');
    await page.setInputFiles('#avatar-input', photoFiles[2]);
    await page.getByText('Avatar updated').waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('.avatar-large img.avatar');
      return img && img.complete && img.naturalWidth > 0;
    });
    await page.reload();
    check((await page.getByLabel('Bio').inputValue()) === 'Counts things.', 'bio after reload');
    await shot(page, '36-account');
  });

  await step('API key: created (secret shown once, copied), used with curl -H x-api-key, revoked', async () => {
    await page.getByRole('button', { name: 'New API key' }).click();
    await page.getByLabel('Name', { exact: true }).fill('backup script');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByLabel('Secret', { exact: true }).inputValue();
    check(secret.length >= 40, 'secret');
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Secret copied').waitFor();
    await shot(page, '37-api-key-secret');
    await page.getByRole('button', { name: 'Close' }).click();
    await page.locator('.key-row', { hasText: 'backup script' }).waitFor();
    check(!(await page.content()).includes(secret), 'the secret is still on the page');
    const [status, body] = curl('/api/users/me', [`x-api-key: ${secret}`]);
    check(status === 200 && JSON.parse(body).username === 'admin', `curl with the key: ${status} ${body}`);
    await page.getByRole('button', { name: 'Revoke backup script' }).click();
    await page.locator('.key-row', { hasText: 'backup script' }).waitFor({ state: 'detached' });
    check(curl('/api/users/me', [`x-api-key: ${secret}`])[0] === 401, 'the revoked key still works');
  });

  await step('password: a wrong current one is refused, a change ends the session, the new one signs in', async () => {
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is not right.').waitFor();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await tile('tower.jpg').waitFor();
  });

  const bobContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const bob = await bobContext.newPage();
  watch(bob);
  await step('admin: creates a user with a quota, who signs in and sees no admin page (403 from the API)', async () => {
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill(BOB_PASSWORD);
    await page.getByLabel('Display name (optional)').fill('Bob Builder');
    await page.getByLabel('Quota in GB (optional)').fill('2');
    await shot(page, '38-admin-new-user');
    await page.getByRole('button', { name: 'Create user' }).click();
    const row = page.locator('tr[data-user="bob"]');
    await row.waitFor();
    check((await row.textContent()).includes('of 2.0 GB'), `quota: ${await row.textContent()}`);
    await signIn(bob, 'bob', BOB_PASSWORD);
    await bob.getByRole('heading', { name: 'No photos yet' }).waitFor();
    check((await bob.getByRole('link', { name: 'Admin', exact: true }).count()) === 0, 'bob sees the admin link');
    await bob.goto(base + '/admin/users');
    await bob.getByRole('heading', { name: 'No photos yet' }).waitFor();
    check(new URL(bob.url()).pathname === '/', `bob stayed on ${bob.url()}`);
    check((await bob.request.get(base + '/api/admin/users')).status() === 403, 'bob got the admin API');
    check((await bob.request.get(base + '/api/admin/jobs?state=failed')).status() === 403, 'bob got the jobs API');
    await shot(bob, '39-non-admin');
  });

  await step('admin: quota change, grant and revoke admin, the last admin protected', async () => {
    const row = page.locator('tr[data-user="bob"]');
    await row.getByRole('button', { name: 'Quota bob' }).click();
    await page.getByLabel('Quota in GB').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await row.getByText('(no quota)').waitFor();
    await row.getByRole('button', { name: 'Make admin bob' }).click();
    await row.locator('.pill', { hasText: 'admin' }).waitFor();
    await row.getByRole('button', { name: 'Revoke admin bob' }).click();
    await row.locator('.pill', { hasText: 'admin' }).waitFor({ state: 'detached' });
    await page.locator('tr[data-user="admin"]').getByRole('button', { name: 'Revoke admin admin' }).click();
    await page.locator('.toast-error').waitFor();
    check((await page.locator('tr[data-user="admin"] .pill', { hasText: 'admin' }).count()) === 1, 'the last admin was demoted');
    await shot(page, '40-admin-users');
  });

  await step('admin: disabling a user ends their session; then deleting them', async () => {
    const row = page.locator('tr[data-user="bob"]');
    await row.getByRole('button', { name: 'Disable bob' }).click();
    await row.locator('.pill', { hasText: 'disabled' }).waitFor();
    check((await bob.request.get(base + '/api/users/me')).status() === 401, 'the disabled session still works');
    await bob.reload();
    await bob.getByRole('button', { name: 'Sign in' }).waitFor();
    await bob.getByLabel('Username').fill('bob');
    await bob.getByLabel('Password').fill(BOB_PASSWORD);
    await bob.getByRole('button', { name: 'Sign in' }).click();
    await bob.locator('.form-error').filter({ hasText: /./ }).waitFor();
    await shot(bob, '41-disabled-sign-in');
    await row.getByRole('button', { name: 'Delete bob' }).click();
    await row.waitFor({ state: 'detached' });
  });

  await step('admin: failed jobs with their reasons, retried', async () => {
    // A JPEG cut short: accepted by the upload's sniffing, refused by the thumbnail job, so a failed job.
    const broken = readFileSync(photoFiles[0]).subarray(0, 3000);
    const up = await page.request.post(base + '/api/assets', { ...origin, multipart: { assetData: { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: broken }, deviceAssetId: 'broken', deviceId: 'e2e', fileCreatedAt: '2024-01-01T00:00:00Z', fileModifiedAt: '2024-01-01T00:00:00Z' } });
    console.log(`# broken upload: ${up.status()}`);
    for (let i = 0; i < 40; i++) {
      const f = await (await page.request.get(base + '/api/admin/jobs?state=failed')).json();
      if (f.items.length) break;
      await page.waitForTimeout(500);
    }
    await page.getByRole('link', { name: 'Failed jobs', exact: true }).click();
    await page.getByRole('table', { name: 'Failed jobs' }).waitFor();
    const failed = await (await page.request.get(base + '/api/admin/jobs?state=failed')).json();
    check(failed.items.length > 0, 'the broken JPEG made no failed job');
    {
      await page.locator('tr[data-job]').first().waitFor();
      check(((await page.locator('tr[data-job] .job-error').first().textContent()) || '').length > 3, 'no reason shown');
      await shot(page, '42-admin-jobs');
      await page.locator('tr[data-job]').first().getByRole('button', { name: /^Retry/ }).click();
      await page.getByText(/queued again/).waitFor();
    }
  });

  await step('a phone viewport: album, account and admin pages fit', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + '/albums');
    await card(page).waitFor();
    await shot(page, '43-phone-albums');
    await page.goto(base + '/account');
    await page.locator('.usage').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    check(!overflow, 'the account page scrolls sideways');
    await shot(page, '44-phone-account');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await step('dark mode: the new screens follow the system', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(base + '/albums');
    await card(page).waitFor();
    await shot(page, '45-dark-albums');
    await page.goto(base + '/account');
    await page.locator('.usage').first().waitFor();
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector('.card')).backgroundColor);
    check(bg === 'rgb(24, 27, 31)', `card background in dark mode: ${bg}`);
    await shot(page, '46-dark-account');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await noProblemsStep(steps, problems, alerts);
} catch (e) {
  runCrashed(steps, e);
}
await finish();
