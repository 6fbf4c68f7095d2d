// Writes a .gz beside each compressible built file; the server sends it to clients that accept gzip.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const outDir = process.env.OBSCURA_WEB_OUT_DIR || 'dist';
const compressible = /\.(js|css|html|svg|json|webmanifest)$/;
let raw = 0;
let gz = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (compressible.test(name)) {
      const bytes = readFileSync(path);
      const packed = gzipSync(bytes, { level: 9 });
      raw += bytes.length;
      gz += packed.length;
      if (packed.length < bytes.length) writeFileSync(path + '.gz', packed);
    }
  }
}
walk(outDir);
console.log(`web UI: ${(raw / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzipped (${outDir})`);
