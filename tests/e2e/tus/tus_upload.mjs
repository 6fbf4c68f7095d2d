// tus-js-client (from npm, pinned by package-lock.json) uploads one file to Obscura's /api/uploads through a small
// TCP proxy of its own that cuts every connection when the bytes forwarded cross each --cut fraction of the file,
// and may send the connections after a cut to the next --target (another replica). The client resumes by itself
// (HEAD, then PATCH from the offset). Prints one JSON line: {uploadUrl, assetId, cuts, retries}.
//
// Usage: node tus_upload.mjs --file F --token T --target host:port[,host:port] [--chunk BYTES] [--cut 0.35,0.7]
//                            [--progress FILE] [--filename NAME]
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tus = require('tus-js-client');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const file = fs.readFileSync(args.file);
const targets = args.target.split(',').map((t) => { const [host, port] = t.split(':'); return { host, port: Number(port) }; });
const cuts = (args.cut || '').split(',').filter(Boolean).map(Number).map((f) => Math.floor(f * file.length));
const chunkSize = Number(args.chunk || 50 * 1024 * 1024);

let targetIndex = 0;
let forwarded = 0;
let cutsDone = 0;
const open = new Set();
const proxy = net.createServer((client) => {
    const target = targets[Math.min(targetIndex, targets.length - 1)];
    const upstream = net.connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const drop = () => { open.delete(client); open.delete(upstream); client.destroy(); upstream.destroy(); };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    upstream.pipe(client);
    client.on('data', (data) => {
        forwarded += data.length;
        upstream.write(data);
        if (cutsDone < cuts.length && forwarded >= cuts[cutsDone]) {
            cutsDone += 1;
            if (targetIndex < targets.length - 1) targetIndex += 1;
            for (const socket of [...open]) socket.destroy();
            open.clear();
        }
    });
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${proxy.address().port}/api/uploads`;

let retries = 0;
const result = await new Promise((resolve, reject) => {
    const upload = new tus.Upload(file, {
        endpoint,
        chunkSize,
        uploadSize: file.length,
        headers: { Authorization: `Bearer ${args.token}` },
        metadata: { filename: args.filename || 'video.mp4', filetype: 'video/mp4' },
        // Long enough to outlive a killed server's restart and its 30 s writer lease (423 is retried).
        retryDelays: [0, 500, 1000, 2000, 5000, 5000, 10000, 10000, 10000, 10000, 10000, 10000],
        onShouldRetry: () => { retries += 1; return true; },
        onProgress: (sent, total) => {
            if (args.progress) fs.writeFileSync(args.progress, `${sent} ${total}\n`);
        },
        onError: reject,
        onSuccess: () => resolve(upload.url),
    });
    upload.start();
});
proxy.close();
for (const socket of open) socket.destroy();

// The finished upload names its asset (GET /api/uploads/{id}), asked of the last target directly.
const last = targets[targets.length - 1];
const path = new URL(result).pathname;
const state = await fetch(`http://${last.host}:${last.port}${path}`, { headers: { Authorization: `Bearer ${args.token}` } });
const body = await state.json();
console.log(JSON.stringify({ uploadUrl: result, assetId: body.assetId, status: body.status, cuts: cutsDone, retries }));
process.exit(0);
