// Uploads: many files at once, three in flight, each with its own progress bar and the server's verdict
// (created, duplicate, or its error message), plus a total bar. XMLHttpRequest because fetch reports no
// upload progress. The session cookie authenticates; the browser adds Origin, which the CSRF check wants.
import { errorOf, ApiError } from './api';
import { clear, formatBytes, h, icon } from './dom';
import { refreshSession } from './session';
import { RESUMABLE_THRESHOLD, startResumable, unfinishedUploads, type ResumableHandle } from './resumable_upload';
import { onLeave, root, shell } from './shell';
import type { Asset, User } from './types';

type State = 'queued' | 'uploading' | 'paused' | 'created' | 'duplicate' | 'failed' | 'cancelled';

interface Item {
  file: File;
  sent: number;
  state: State;
  message: string;
  row: HTMLElement;
  bar: HTMLProgressElement;
  status: HTMLElement;
  resumable?: ResumableHandle;  // files above RESUMABLE_THRESHOLD: tus, with pause and cancel
  resumed: boolean;
  controls: HTMLElement;
}

const CONCURRENCY = 3;

export class Uploader {
  readonly panel: HTMLElement;
  private list: HTMLElement;
  private totalBar: HTMLProgressElement;
  private summary: HTMLElement;
  private items: Item[] = [];
  private active = 0;

  // `albumId`: every file also joins that album (an album I own or edit); without it, just my library.
  constructor(
    private onUploaded: (asset: Asset, duplicate: boolean) => void,
    private albumId?: string,
  ) {
    this.summary = h('span', { class: 'upload-summary' });
    this.totalBar = h('progress', { class: 'upload-total', max: 1, value: 0, 'aria-label': 'Total upload progress' });
    this.list = h('ul', { class: 'upload-list' });
    this.panel = h(
      'section',
      { class: 'upload-panel', hidden: true, 'aria-label': 'Uploads' },
      h(
        'header',
        {},
        this.summary,
        h('button', { class: 'icon-button', type: 'button', 'aria-label': 'Close uploads', onclick: () => this.close() }, icon('close')),
      ),
      this.totalBar,
      this.list,
    );
  }

  add(files: FileList | File[]): void {
    const batch = Array.from(files);
    if (batch.length === 0) return;
    if (this.items.length && this.items.every((i) => i.state !== 'queued' && i.state !== 'uploading' && i.state !== 'paused')) {
      this.items = [];
      clear(this.list);
    }
    for (const file of batch) {
      const bar = h('progress', { max: 1, value: 0, 'aria-label': `Progress of ${file.name}` });
      const status = h('span', { class: 'upload-status' }, 'Waiting');
      const controls = h('span', { class: 'upload-controls' });
      const row = h(
        'li',
        { class: 'upload-item', 'data-state': 'queued' },
        h('span', { class: 'upload-name', title: file.name }, file.name),
        h('span', { class: 'upload-size' }, formatBytes(file.size)),
        bar,
        status,
        controls,
      );
      this.list.appendChild(row);
      this.items.push({ file, sent: 0, state: 'queued', message: '', row, bar, status, resumed: false, controls });
    }
    this.panel.hidden = false;
    this.update();
    this.pump();
  }

  private close(): void {
    this.panel.hidden = true;
  }

  // Uploads a previous page left unfinished: listed with a hint, since a browser cannot reopen a file by itself
  // — choosing the same file again resumes it.
  async showUnfinished(): Promise<void> {
    const unfinished = await unfinishedUploads().catch(() => []);
    if (!unfinished.length) return;
    for (const u of unfinished) {
      const forget = h('button', { class: 'link', type: 'button' }, 'Forget');
      const row = h(
        'li',
        { class: 'upload-item', 'data-state': 'unfinished' },
        h('span', { class: 'upload-name', title: u.name }, u.name),
        h('span', { class: 'upload-size' }, formatBytes(u.size)),
        h('span', { class: 'upload-status' }, 'Unfinished: choose this file again to resume'),
        forget,
      );
      forget.addEventListener('click', () => {
        void u.forget().then(() => row.remove());
      });
      this.list.appendChild(row);
    }
    this.summary.textContent = `${unfinished.length} unfinished upload${unfinished.length > 1 ? 's' : ''}`;
    this.panel.hidden = false;
  }

  private pump(): void {
    while (this.active < CONCURRENCY) {
      const next = this.items.find((i) => i.state === 'queued');
      if (!next) break;
      this.active++;
      void this.send(next).finally(() => {
        this.active--;
        this.update();
        this.pump();
      });
    }
  }

  private async send(item: Item, retried = false): Promise<void> {
    if (item.file.size > RESUMABLE_THRESHOLD) return this.sendResumable(item);
    this.set(item, 'uploading', 'Uploading');
    const form = new FormData();
    const modified = new Date(item.file.lastModified || Date.now()).toISOString();
    form.append('deviceAssetId', `${item.file.name}-${item.file.size}-${item.file.lastModified}`);
    form.append('deviceId', 'obscura-web');
    form.append('fileCreatedAt', modified);
    form.append('fileModifiedAt', modified);
    if (this.albumId) form.append('albumId', this.albumId);
    form.append('assetData', item.file, item.file.name);
    const xhr = new XMLHttpRequest();
    const result = await new Promise<{ status: number; body: string }>((resolve) => {
      xhr.open('POST', '/api/assets');
      xhr.withCredentials = true;
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) {
          item.sent = (e.loaded / e.total) * item.file.size;
          item.bar.value = e.loaded / e.total;
          this.update();
        }
      });
      xhr.addEventListener('load', () => resolve({ status: xhr.status, body: xhr.responseText }));
      xhr.addEventListener('error', () => resolve({ status: 0, body: '' }));
      xhr.addEventListener('abort', () => resolve({ status: 0, body: '' }));
      xhr.send(form);
    });
    if (result.status === 401 && !retried && (await refreshSession())) return this.send(item, true);
    item.sent = item.file.size;
    item.bar.value = 1;
    if (result.status === 200 || result.status === 201) {
      const asset = JSON.parse(result.body) as Asset & { status: string };
      const duplicate = asset.status === 'duplicate';
      this.set(item, duplicate ? 'duplicate' : 'created', duplicate ? 'Already in your library' : 'Uploaded');
      this.onUploaded(asset, duplicate);
      return;
    }
    let message = 'The server could not be reached';
    if (result.status) {
      const err = await errorOf(new Response(result.body, { status: result.status, headers: { 'Content-Type': 'application/json' } }));
      message = err instanceof ApiError ? err.message : message;
    }
    this.set(item, 'failed', message);
  }

  // tus: chunked, retried, resumable; pause and cancel on the row.
  private async sendResumable(item: Item): Promise<void> {
    // The same file chosen again (it was unfinished after a reload): its "unfinished" row goes.
    for (const row of Array.from(this.list.querySelectorAll('.upload-item[data-state="unfinished"]'))) {
      if (row.querySelector('.upload-name')?.textContent === item.file.name) row.remove();
    }
    this.set(item, 'uploading', 'Uploading');
    const pause = h('button', { class: 'link', type: 'button', 'data-action': 'pause' }, 'Pause');
    const cancel = h('button', { class: 'link', type: 'button', 'data-action': 'cancel' }, 'Cancel');
    item.controls.append(pause, cancel);
    let reportedResume = false;
    const handle = startResumable(
      item.file,
      this.albumId,
      (sent, total) => {
        item.sent = sent;
        item.bar.value = total ? sent / total : 0;
        if (item.resumed && !reportedResume) {
          reportedResume = true;
          this.set(item, 'uploading', `Resumed at ${Math.round((100 * sent) / (total || 1))}%`);
        }
        this.update();
      },
      () => {
        item.resumed = true;
      },
    );
    item.resumable = handle;
    pause.addEventListener('click', () => {
      if (item.state === 'paused') {
        handle.resume();
        pause.textContent = 'Pause';
        this.set(item, 'uploading', 'Uploading');
      } else if (item.state === 'uploading') {
        handle.pause();
        pause.textContent = 'Resume';
        this.set(item, 'paused', 'Paused');
      }
      this.update();
    });
    let cancelled = false;
    cancel.addEventListener('click', () => {
      cancelled = true;
      void handle.cancel().finally(() => {
        this.set(item, 'cancelled', 'Cancelled');
        this.update();
      });
    });
    try {
      const { asset, duplicate } = await handle.done;
      item.sent = item.file.size;
      item.bar.value = 1;
      this.set(item, duplicate ? 'duplicate' : 'created', duplicate ? 'Already in your library' : 'Uploaded');
      this.onUploaded(asset, duplicate);
    } catch (e) {
      if (!cancelled) this.set(item, 'failed', e instanceof Error ? e.message : String(e));
    } finally {
      item.controls.replaceChildren();
    }
  }

  private set(item: Item, state: State, message: string): void {
    item.state = state;
    item.message = message;
    item.row.dataset.state = state;
    item.status.textContent = message;
  }

  private update(): void {
    const total = this.items.reduce((s, i) => s + i.file.size, 0) || 1;
    const sent = this.items.reduce((s, i) => s + i.sent, 0);
    this.totalBar.value = sent / total;
    const finished = this.items.filter((i) => i.state !== 'queued' && i.state !== 'uploading' && i.state !== 'paused');
    const count = (s: State) => this.items.filter((i) => i.state === s).length;
    if (finished.length === this.items.length) {
      const parts = [`${count('created')} uploaded`];
      if (count('duplicate')) parts.push(`${count('duplicate')} duplicate${count('duplicate') > 1 ? 's' : ''}`);
      if (count('failed')) parts.push(`${count('failed')} failed`);
      this.summary.textContent = parts.join(', ');
      this.panel.dataset.done = 'true';
    } else {
      this.summary.textContent = `Uploading ${finished.length + 1 > this.items.length ? this.items.length : finished.length + 1} of ${this.items.length}`;
      delete this.panel.dataset.done;
    }
  }
}

// The Upload button of a page's header (the timeline's, an album's): a hidden file input and the button that
// opens it, feeding `uploader`.
export function uploadControls(uploader: Uploader, inputId = 'upload-input'): HTMLElement[] {
  const input = h('input', { type: 'file', id: inputId, multiple: true, accept: 'image/*,video/*', class: 'visually-hidden', tabindex: -1 });
  input.addEventListener('change', () => {
    if (input.files) uploader.add(input.files);
    input.value = '';
  });
  const button = h('button', { type: 'button', class: 'primary upload-button', onclick: () => input.click() }, icon('upload'), h('span', {}, 'Upload'));
  return [input, button];
}

// A page in the shell with the upload affordance: the header button and the drop zone feeding `uploader` (by
// default one that only uploads into the library: search, map, admin; the timeline passes its own, which also
// shows what arrives), and the progress panel. Call after cleanup().
export function showWithUpload(user: User, main: HTMLElement, uploader = new Uploader(() => undefined)): void {
  root.append(shell(user, main, uploadControls(uploader)), uploader.panel);
  onLeave(installDropZone((files) => uploader.add(files)));
}

// Drag-and-drop anywhere on the page.
export function installDropZone(onFiles: (files: File[]) => void): () => void {
  const overlay = h('div', { class: 'drop-overlay', hidden: true }, h('div', {}, icon('upload'), 'Drop to upload'));
  document.body.appendChild(overlay);
  let depth = 0;
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
  const enter = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    depth++;
    overlay.hidden = false;
  };
  const leave = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  };
  const over = (e: DragEvent) => {
    if (hasFiles(e)) e.preventDefault();
  };
  const drop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    onFiles(Array.from(e.dataTransfer?.files ?? []));
  };
  window.addEventListener('dragenter', enter);
  window.addEventListener('dragleave', leave);
  window.addEventListener('dragover', over);
  window.addEventListener('drop', drop);
  return () => {
    window.removeEventListener('dragenter', enter);
    window.removeEventListener('dragleave', leave);
    window.removeEventListener('dragover', over);
    window.removeEventListener('drop', drop);
    overlay.remove();
  };
}
