// The browser test's scaffolding: real fixtures made by ffmpeg and exiftool, the real server on a free port,
// and a small TAP-like step runner whose closing line CTest logs ("N passed, N failed, N skipped").
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Three photos with EXIF (camera, lens, exposure, date, GPS), a 3 s MP4 with sound, and a file the server
// refuses (not a picture).
export function makeFixtures(dir) {
  mkdirSync(dir, { recursive: true });
  const fixtures = dir;
  function run(cmd, args) {
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  const photos = [
    { name: 'eiffel.jpg', size: '1600x1067', src: 'mandelbrot', date: '2024:06:15 10:20:30', make: 'Canon', model: 'EOS R6', lens: 'RF35mm F1.8 MACRO IS STM', f: 2.8, t: '1/250', iso: 200, focal: 35, lat: 48.8584, lon: 2.2945 },
    { name: 'tower.jpg', size: '1000x1500', src: 'testsrc2', date: '2024:06:14 18:05:00', make: 'FUJIFILM', model: 'X-T4', lens: 'XF23mmF2 R WR', f: 4, t: '1/1000', iso: 160, focal: 23, lat: 51.5007, lon: -0.1246 },
    { name: 'square.jpg', size: '1200x1200', src: 'gradients', date: '2024:05:02 08:00:00', make: 'Apple', model: 'iPhone 15', lens: 'iPhone 15 back camera', f: 1.6, t: '1/60', iso: 64, focal: 6, lat: 40.6892, lon: -74.0445 },
  ];
  for (const p of photos) {
    const file = join(fixtures, p.name);
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `${p.src}=size=${p.size}`, '-frames:v', '1', '-q:v', '3', file]);
    run('exiftool', ['-q', '-overwrite_original', `-Make=${p.make}`, `-Model=${p.model}`, `-LensModel=${p.lens}`, `-FNumber=${p.f}`, `-ExposureTime=${p.t}`, `-ISO=${p.iso}`, `-FocalLength=${p.focal}`, `-DateTimeOriginal=${p.date}`, `-GPSLatitude=${Math.abs(p.lat)}`, `-GPSLatitudeRef=${p.lat < 0 ? 'S' : 'N'}`, `-GPSLongitude=${Math.abs(p.lon)}`, `-GPSLongitudeRef=${p.lon < 0 ? 'W' : 'E'}`, file]);
  }
  const video = join(fixtures, 'clip.mp4');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-metadata', 'creation_time=2024-06-01T12:00:00Z', '-shortest', video]);
  const notMedia = join(fixtures, 'notes.txt');
  writeFileSync(notMedia, 'just some text, not a picture\n');
  const photoFiles = photos.map((p) => join(fixtures, p.name));
  return { photos, photoFiles, video, notMedia };
}

// Starts `obscura serve --port 0` on dataDir and reads the port from its "listening on" line. extraEnv: more
// OBSCURA_* settings (the account test's SMTP server, the OIDC test's provider).
export async function startServer(binary, dataDir, extraEnv = {}) {
  const server = spawn(binary, ['serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, OBSCURA_SERVER_HOST: '127.0.0.1', OBSCURA_LOG_LEVEL: 'info', OBSCURA_LOG_ACCESS_LOG: 'false', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serverLog = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 60 s:\n' + serverLog)), 60_000);
    const onData = (chunk) => {
      serverLog += chunk.toString();
      const m = /listening on [^\s:]+:(\d+)/.exec(serverLog);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${serverLog}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    log: () => serverLog,
    stop: async () => {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    },
  };
}

// The common start of a browser test run as `node <script> <obscura binary> <artifact dir>`: exits 2 on bad
// arguments and 77 (CTest's skip) without chromium; makes the fixtures and starts the server on a temp dir.
// `shot(page, name)` saves a screenshot into the artifact dir once fades and toasts have settled.
export async function startRun(script, tmpPrefix, extraEnv = {}) {
  const [binary, artifacts] = process.argv.slice(2);
  if (!binary || !artifacts) {
    console.error(`usage: node ${script} <obscura binary> <artifact dir>`);
    process.exit(2);
  }
  const chromiumPath = process.env.OBSCURA_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) {
    console.log(`SKIP: no chromium at ${chromiumPath}`);
    process.exit(77);
  }
  mkdirSync(artifacts, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), tmpPrefix));
  const fixtures = makeFixtures(join(work, 'fixtures'));
  const server = await startServer(binary, join(work, 'data'), extraEnv);
  const shot = async (page, name) => {
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(artifacts, `${name}.png`) });
  };
  return { work, fixtures, server, base: server.base, chromiumPath, steps: new Steps(), shot };
}

export class Steps {
  passed = 0;
  failed = 0;
  skipped = 0;

  async step(name, fn) {
    try {
      await fn();
      this.passed++;
      console.log(`ok - ${name}`);
      return true;
    } catch (e) {
      this.failed++;
      console.log(`not ok - ${name}\n  ${String(e && e.stack ? e.stack : e).split('\n').join('\n  ')}`);
      return false;
    }
  }

  skip(name, why) {
    this.skipped++;
    console.log(`skip - ${name}: ${why}`);
  }

  summary() {
    console.log(`${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped`);
  }
}

// The last step of a run: no CSP report, script error or alert on any page. And a run that threw outside its
// steps counts as one failure.
export function noProblemsStep(steps, problems, alerts) {
  return steps.step('no script error, CSP violation or alert anywhere', async () => {
    check(problems.length === 0, problems.join('\n'));
    check(alerts.length === 0, `alerts: ${alerts.join(', ')}`);
  });
}

export function runCrashed(steps, e) {
  console.log(`not ok - the test itself failed\n  ${String(e && e.stack ? e.stack : e)}`);
  steps.failed++;
}

// A DataTransfer holding one file from disk, for dispatching dragenter/drop at a page as a real drop would.
export async function fileTransfer(page, path, name, type = 'image/jpeg') {
  const data = readFileSync(path).toString('base64');
  return page.evaluateHandle(
    ([b64, fileName, mime]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], fileName, { type: mime }));
      return transfer;
    },
    [data, name, type],
  );
}

export function check(cond, message) {
  if (!cond) throw new Error(message);
}

// Records alerts (an XSS would fire one; other dialogs are accepted), CSP violations and script errors.
// The grid's tile of an asset by its label, and the lightbox opened on it (keys are ignored until its opening
// animation ends) and closed again.
export function lightbox(page) {
  const tile = (label) => page.locator(`.tile[aria-label="${label}"]`);
  const openTile = async (label) => {
    await tile(label).click();
    await page.locator('.pswp[data-ready]').waitFor();
  };
  const closeViewer = async () => {
    await page.keyboard.press('Escape');
    await page.locator('.pswp').waitFor({ state: 'detached' });
  };
  return { tile, openTile, closeViewer };
}

export function watch(page, alerts, problems) {
  page.on('dialog', async (d) => {
    if (d.type() === 'alert') alerts.push(d.message());
    await d.accept();
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.push('CSP: ' + m.text());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
}

// The end of a run: closes the browser and the server, removes the work dir, prints the summary (and the
// server's log tail when a step failed) and exits with the result.
export async function finishRun({ browser, server, work, steps }) {
  await browser?.close().catch(() => {});
  await server.stop();
  rmSync(work, { recursive: true, force: true });
  steps.summary();
  if (steps.failed) console.log('--- server log (tail)\n' + server.log().split('\n').slice(-40).join('\n'));
  process.exit(steps.failed ? 1 : 0);
}
