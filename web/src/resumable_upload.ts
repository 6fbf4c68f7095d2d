// Large files go through tus (DESIGN.md section 10) with tus-js-client: in chunks below a reverse proxy's usual
// 100 MB body cap, retried after a dropped network, and resumable after a page reload — tus-js-client keeps each
// unfinished upload's URL in localStorage under the file's fingerprint (name, type, size, date), so choosing the
// same file again continues where the server's offset says. The session cookie authenticates; the browser adds
// Origin to PATCH/POST/DELETE, which the CSRF check wants.
import * as tus from 'tus-js-client';
import type { Asset } from './types';

// Files above this go through tus; smaller ones are one POST /api/assets (faster for photos).
export const RESUMABLE_THRESHOLD = 16 * 1024 * 1024;
// Below nginx's and most tunnels' 100 MB cap, with room for headers.
const CHUNK_SIZE = 32 * 1024 * 1024;
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 10000, 20000, 20000, 30000, 30000];

export interface ResumableResult {
  asset: Asset;
  duplicate: boolean;
}

export interface ResumableHandle {
  pause(): void;
  resume(): void;
  // Stops and removes the upload from the server (tus termination).
  cancel(): Promise<void>;
  done: Promise<ResumableResult>;
}

// An upload a previous page left unfinished.
export interface Unfinished {
  name: string;
  size: number;
  startedAt: string;
  forget(): Promise<void>;
}

async function assetOf(uploadUrl: string, started: number): Promise<ResumableResult> {
  const state = await fetch(uploadUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!state.ok) throw new Error(`the upload finished but its state could not be read (${state.status})`);
  const body = (await state.json()) as { assetId?: string; status: string; error?: string };
  if (body.status !== 'done' || !body.assetId) throw new Error(body.error || `the upload ended ${body.status}`);
  const res = await fetch(`/api/assets/${body.assetId}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`the new asset could not be read (${res.status})`);
  const asset = (await res.json()) as Asset;
  return { asset, duplicate: Date.parse(asset.createdAt) < started };
}

function messageOf(error: unknown): string {
  const e = error as { originalResponse?: { getBody(): string } | null; message?: string };
  const body = e?.originalResponse?.getBody();
  if (body) {
    try {
      const parsed = JSON.parse(body) as { error?: { message?: string } };
      if (parsed.error?.message) return parsed.error.message;
    } catch {
      /* not JSON */
    }
  }
  return 'The upload stopped: the server could not be reached';
}

// onProgress(sent, total) from the server's offset on; onResumed() when an earlier upload of the same file (a
// reload, a closed tab) is picked up instead of starting anew.
export function startResumable(
  file: File,
  albumId: string | undefined,
  onProgress: (sent: number, total: number) => void,
  onResumed: () => void,
): ResumableHandle {
  const started = Date.now();
  const metadata: Record<string, string> = {
    filename: file.name,
    filetype: file.type || 'application/octet-stream',
    fileCreatedAt: new Date(file.lastModified || Date.now()).toISOString(),
  };
  if (albumId) metadata.albumId = albumId;
  let upload: tus.Upload;
  const done = new Promise<ResumableResult>((resolve, reject) => {
    upload = new tus.Upload(file, {
      endpoint: '/api/uploads',
      chunkSize: CHUNK_SIZE,
      retryDelays: RETRY_DELAYS,
      metadata,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onBeforeRequest: (req) => {
        const xhr = req.getUnderlyingObject() as XMLHttpRequest;
        xhr.withCredentials = true;
      },
      onProgress,
      onError: (error) => reject(new Error(messageOf(error))),
      onSuccess: () => {
        assetOf(upload.url as string, started).then(resolve, reject);
      },
    });
  });
  void upload!.findPreviousUploads().then((previous) => {
    const mine = previous.filter((p) => p.size === file.size).sort((a, b) => (a.creationTime < b.creationTime ? 1 : -1));
    if (mine.length) {
      upload.resumeFromPreviousUpload(mine[0]);
      onResumed();
    }
    upload.start();
  });
  return {
    pause: () => void upload.abort(false),
    resume: () => upload.start(),
    cancel: () => upload.abort(true).then(() => undefined),
    done,
  };
}

// Unfinished uploads remembered by this browser (a reload, a closed tab), newest first.
export async function unfinishedUploads(): Promise<Unfinished[]> {
  const storage = tus.defaultOptions.urlStorage;
  const all = await storage.findAllUploads();
  return all
    .sort((a, b) => (a.creationTime < b.creationTime ? 1 : -1))
    .map((u) => ({
      name: u.metadata?.filename ?? 'a file',
      size: u.size ?? 0,
      startedAt: u.creationTime,
      forget: async () => {
        if (u.uploadUrl) await fetch(u.uploadUrl, { method: 'DELETE', credentials: 'same-origin', headers: { 'Tus-Resumable': '1.0.0' } }).catch(() => undefined);
        if (u.urlStorageKey) await storage.removeUpload(u.urlStorageKey);
      },
    }));
}
