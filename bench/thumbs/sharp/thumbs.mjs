// The reference for bench/thumbs: sharp (Immich's image engine, with its own bundled libvips) doing Immich's
// decode-once pipeline on the corpus — each photo decoded once with orientation applied, shrunk to fit 1440×1440
// and kept raw (.raw()), then both outputs made from those pixels: preview JPEG Q80 fitting 1440×1440, thumbnail
// WebP Q80 with 250 px on the shorter side, no metadata (sharp writes none unless asked). Same work and the same
// concurrency as Obscura's derivative jobs: WORKERS photos in flight (2), one libvips thread each.
// Usage: node thumbs.mjs CORPUS_DIR OUT_DIR [WORKERS]   → "RESULT sharp <files> img/s <rate> seconds <s>"
import { readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const [corpus, out, workersArg] = process.argv.slice(2);
const workers = Number(workersArg ?? 2);
sharp.concurrency(1);  // libvips threads per pipeline, as media.workers jobs run with one each
sharp.cache(false);    // every photo is new
mkdirSync(out, { recursive: true });
const files = readdirSync(corpus).filter((f) => f.toLowerCase().endsWith('.jpg')).sort();

// DESIGN.md's thumbnail box: 250 on the shorter side, the longer at most 1000, never enlarged.
function thumbnailSize(w, h) {
  const scale = Math.min(1, 250 / Math.min(w, h), 1000 / Math.max(w, h));
  return [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
}

async function one(file) {
  const stem = file.replace(/\.jpg$/i, '');
  const { data, info } = await sharp(join(corpus, file), { failOn: 'error' })
    .rotate()
    .resize(1440, 1440, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const [tw, th] = thumbnailSize(info.width, info.height);
  await Promise.all([
    sharp(data, raw).jpeg({ quality: 80, optimiseCoding: true }).toFile(join(out, `${stem}.preview.jpg`)),
    sharp(data, raw).resize(tw, th, { fit: 'fill' }).webp({ quality: 80 }).toFile(join(out, `${stem}.thumb.webp`)),
  ]);
}

const start = process.hrtime.bigint();
let next = 0;
await Promise.all(
  Array.from({ length: workers }, async () => {
    while (next < files.length) await one(files[next++]);
  }),
);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`RESULT sharp ${files.length} img/s ${(files.length / seconds).toFixed(2)} seconds ${seconds.toFixed(3)}`);
