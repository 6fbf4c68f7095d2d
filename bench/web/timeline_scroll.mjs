// The timeline with many assets: uploads N tiny distinct JPEGs spread over three years (takenAt field), then
// signs in with Debian's chromium and measures what a person would feel: time to first tiles, frame times
// while flinging down, DOM size (only what is near the viewport is rendered), and a scrubber jump to the
// oldest month. Not a test (no timed assertions): results go to bench/RESULTS.md.
// Usage: node bench/web/timeline_scroll.mjs build/bin/obscura [N=10000] [port=18433]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const { chromium } = createRequire(new URL('../../web/package.json', import.meta.url))('playwright-core');
const [binary, nArg, portArg] = process.argv.slice(2);
const N = Number(nArg || 10000);
const port = Number(portArg || 18433);
const dir = mkdtempSync(join(tmpdir(), 'obscura-bench-web-'));
const server = spawn(binary, ['serve','--port',String(port),'--data-dir',dir], {env:{...process.env, OBSCURA_SERVER_HOST:'127.0.0.1', OBSCURA_LOG_ACCESS_LOG:'false'}, stdio:'ignore'});
await new Promise(r=>setTimeout(r,1500));
const base=`http://127.0.0.1:${port}`;
const H = {'Content-Type':'application/json'};
await fetch(base+'/api/auth/register',{method:'POST',headers:H,body:JSON.stringify({username:'admin',password:'correct horse battery'})});
const login = await (await fetch(base+'/api/auth/login',{method:'POST',headers:H,body:JSON.stringify({username:'admin',password:'correct horse battery'})})).json();
const tiny = join(dir, 'tiny.jpg');
execFileSync('ffmpeg',['-v','error','-y','-f','lavfi','-i','testsrc2=size=64x48','-frames:v','1',tiny]);
const jpeg = readFileSync(tiny);
const t0 = Date.now();
let next = 0;
async function worker() {
  while (next < N) {
    const i = next++;
    const fd = new FormData();
    const day = new Date(Date.UTC(2021,0,1) + Math.floor(i * 1100 / N) * 86400000 + (i % 7) * 3600000);
    fd.append('takenAt', day.toISOString().replace('.000Z','Z'));
    const bytes = Buffer.concat([jpeg, Buffer.from('pad' + i)]);
    fd.append('assetData', new Blob([bytes], {type:'image/jpeg'}), `p${i}.jpg`);
    const r = await fetch(base+'/api/assets',{method:'POST',headers:{Authorization:'Bearer '+login.accessToken},body:fd});
    if (r.status !== 201) { console.log('upload', i, r.status, await r.text()); process.exit(1); }
  }
}
await Promise.all([worker(),worker(),worker(),worker()]);
console.log(`uploaded ${N} in ${(Date.now()-t0)/1000}s`);
const b = await chromium.launch({executablePath:'/usr/bin/chromium', args:['--no-sandbox','--disable-dev-shm-usage']});
const page = await b.newPage({viewport:{width:1280,height:800}});
let requests = 0; page.on('request', r => { if (r.url().includes('/api/assets?')) requests++; });
await page.goto(base);
await page.getByLabel('Username').fill('admin'); await page.getByLabel('Password').fill('correct horse battery');
const t1 = Date.now();
await page.getByRole('button',{name:'Sign in'}).click();
await page.locator('.tile').first().waitFor();
console.log(`first tiles after ${Date.now()-t1} ms; listing pages: ${requests}`);
const stats = async (label) => console.log(label, JSON.stringify(await page.evaluate(() => ({tiles: document.querySelectorAll('.tile').length, nodes: document.querySelectorAll('*').length, height: document.querySelector('.grid-canvas').style.height, scrollTop: document.querySelector('.grid-scroller').scrollTop}))), 'pages', requests);
await stats('top');
// Scroll down in steps, as a person flinging the wheel would, and time frames.
const frames = await page.evaluate(async () => {
  const s = document.querySelector('.grid-scroller');
  const times = [];
  let last = performance.now();
  for (let i = 0; i < 120; i++) {
    s.scrollTop += 600;
    await new Promise(r => requestAnimationFrame(r));
    const now = performance.now(); times.push(now - last); last = now;
  }
  times.sort((a,b)=>a-b);
  return { median: times[60].toFixed(1), p95: times[114].toFixed(1), max: times[119].toFixed(1) };
});
console.log('frame ms while scrolling 120 × 600px', JSON.stringify(frames));
await stats('after scrolling');
const t2 = Date.now();
const marks = page.locator('.scrub-mark');
console.log('scrubber marks', await marks.count());
await marks.last().click();
await page.waitForFunction(() => { const s = document.querySelector('.grid-scroller'); return s.scrollTop > 100000; }, null, {timeout: 120000});
console.log(`jump to the oldest month: ${Date.now()-t2} ms`);
await page.waitForTimeout(500);
await stats('at the oldest month');
await b.close();
server.kill();
await new Promise((r) => server.once('exit', r));
rmSync(dir, { recursive: true, force: true });
