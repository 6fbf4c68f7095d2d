// The viewer's side panel: what the camera recorded, and the user's own words (title, description, tags),
// favourite, download, trash and — for a video — conversion to MP3. Everything shown is set as text.
import { ApiError, del, get, patch, post } from './api';
import { clear, formatBytes, h, icon, toast } from './dom';
import { nameOf, personAvatar, personById } from './people';
import { relatedStrip } from './related_strip';
import { currentUser } from './session';
import type { Asset, Job } from './types';

export interface PanelActions {
  updated: (asset: Asset) => void;
  trashed: (asset: Asset) => void;
  toggled: () => void; // shown or hidden: the lightbox refits the picture
  openRelated?: (asset: Asset) => void; // a related photo was chosen (issue 22)
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' });

// takenAt carries the offset where it was taken; show that wall-clock time, not the viewer's.
export function formatTaken(takenAt: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)/.exec(takenAt);
  if (!m) return takenAt;
  const d = new Date(`${m[1]}T${m[2]}Z`);
  return isNaN(d.getTime()) ? takenAt : dateFormat.format(d);
}

// EXIF exposure time as a number of seconds, from 0.004 or "1/250".
function seconds(v: string | number): number {
  if (typeof v === 'number') return v;
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(v);
  return m ? Number(m[1]) / Number(m[2]) : parseFloat(v);
}

function exposure(a: Asset): string {
  const e = a.exifInfo ?? {};
  const parts: string[] = [];
  if (e.fNumber) parts.push(`ƒ/${Number(e.fNumber).toFixed(1).replace(/\.0$/, '')}`);
  if (e.exposureTime) {
    const t = seconds(e.exposureTime);
    if (!isNaN(t) && t > 0) parts.push(t < 1 ? `1/${Math.round(1 / t)} s` : `${t} s`);
    else parts.push(String(e.exposureTime));
  }
  if (e.iso) parts.push(`ISO ${e.iso}`);
  if (e.focalLength) parts.push(`${Math.round(Number(e.focalLength))} mm`);
  return parts.join(' · ');
}

function row(label: string, value: string | null | undefined, key: string): HTMLElement | null {
  if (!value) return null;
  return h('div', { class: 'info-row', 'data-info': key }, h('dt', {}, label), h('dd', {}, value));
}

export function infoList(a: Asset): HTMLElement {
  const e = a.exifInfo ?? {};
  const camera = [e.make, e.model].filter(Boolean).join(' ');
  const coords =
    e.latitude != null && e.longitude != null ? `${Number(e.latitude).toFixed(5)}, ${Number(e.longitude).toFixed(5)}` : '';
  return h(
    'dl',
    { class: 'info-list' },
    row('Taken', formatTaken(a.takenAt), 'taken'),
    row('Camera', camera, 'camera'),
    row('Lens', e.lens ?? '', 'lens'),
    row('Exposure', exposure(a), 'exposure'),
    row('Dimensions', a.width && a.height ? `${a.width} × ${a.height}` : '', 'dimensions'),
    row('Size', formatBytes(a.sizeBytes), 'size'),
    row('Duration', a.durationSeconds ? `${a.durationSeconds.toFixed(1)} s` : '', 'duration'),
    row('Coordinates', coords, 'coordinates'),
    row('File', a.originalFileName, 'file'),
  );
}

export class InfoPanel {
  readonly element: HTMLElement;
  private asset: Asset | null = null;

  constructor(private actions: PanelActions) {
    this.element = h('aside', { class: 'info-panel', 'aria-label': 'Details', hidden: true });
    // The lightbox below zooms on wheel and pans on drag; the panel keeps its own scrolling and typing.
    for (const type of ['wheel', 'pointerdown', 'touchstart', 'mousedown'])
      this.element.addEventListener(type, (e) => e.stopPropagation(), { passive: true });
  }

  get open(): boolean {
    return !this.element.hidden;
  }

  toggle(): void {
    this.element.hidden = !this.element.hidden;
    document.documentElement.classList.toggle('info-open', !this.element.hidden);
    if (this.asset) this.show(this.asset);
    this.actions.toggled();
  }

  close(): void {
    this.element.hidden = true;
    document.documentElement.classList.remove('info-open');
  }

  private showShared(asset: Asset): void {
    this.element.append(...sharedDetails(asset, () => this.toggle()));
    if (this.actions.openRelated) this.element.append(relatedStrip(asset, this.actions.openRelated));
  }

  show(asset: Asset): void {
    this.asset = asset;
    if (this.element.hidden) return;
    clear(this.element);
    const me = currentUser();
    if (asset.ownerId && me && asset.ownerId !== me.id) return this.showShared(asset);
    const title = h('input', { name: 'title', value: asset.title, maxlength: 500, 'aria-label': 'Title', placeholder: 'Add a title' });
    const description = h('textarea', { name: 'description', rows: 3, 'aria-label': 'Description', placeholder: 'Add a description' });
    description.value = asset.description;
    const tags = h('input', { name: 'tags', value: asset.tags.join(', '), 'aria-label': 'Tags', placeholder: 'Tags, comma-separated' });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
    const form = h(
      'form',
      { class: 'edit-form' },
      h('label', { class: 'field' }, h('span', {}, 'Title'), title),
      h('label', { class: 'field' }, h('span', {}, 'Description'), description),
      h('label', { class: 'field' }, h('span', {}, 'Tags'), tags),
      save,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      save.disabled = true;
      try {
        const updated = await patch<Asset>(`/api/assets/${asset.id}`, {
          title: title.value,
          description: description.value,
          tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean),
        });
        this.actions.updated(updated);
        toast('Saved');
      } catch (err) {
        toast(err instanceof ApiError ? err.message : 'Could not save', 'error');
      } finally {
        save.disabled = false;
      }
    });
    const favourite = h(
      'button',
      { type: 'button', class: 'chip', 'aria-pressed': String(asset.isFavorite) },
      icon('heart'),
      asset.isFavorite ? 'Favourite' : 'Add to favourites',
    );
    favourite.addEventListener('click', async () => {
      try {
        this.actions.updated(await patch<Asset>(`/api/assets/${asset.id}`, { isFavorite: !asset.isFavorite }));
      } catch (err) {
        toast(err instanceof ApiError ? err.message : 'Could not change the favourite', 'error');
      }
    });
    const download = h(
      'a',
      { class: 'chip', href: `/api/assets/${asset.id}/original`, download: asset.originalFileName },
      icon('download'),
      'Download original',
    );
    const trash = h('button', { type: 'button', class: 'chip danger' }, icon('trash'), 'Move to trash');
    trash.addEventListener('click', async () => {
      try {
        await del(`/api/assets/${asset.id}`);
        this.actions.trashed(asset);
        toast('Moved to trash');
      } catch (err) {
        toast(err instanceof ApiError ? err.message : 'Could not move to trash', 'error');
      }
    });
    this.element.append(
      h('header', {}, h('h2', {}, 'Details'), h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close details', onclick: () => this.toggle() }, icon('close'))),
      h('div', { class: 'chips' }, favourite, download, trash, asset.type === 'video' && conversionButton(asset)),
      form,
      infoList(asset),
    );
    if (this.actions.openRelated) this.element.append(relatedStrip(asset, this.actions.openRelated));
  }
}

// Someone else's photo (a partner's, an album-mate's): what it is and whose, and its download; title,
// favourite, tags and trash stay the owner's.
function sharedDetails(asset: Asset, close: () => void): HTMLElement[] {
  const owner = personById(asset.ownerId!);
  return [
    h('header', {}, h('h2', {}, 'Details'), h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close details', onclick: close }, icon('close'))),
    h('p', { class: 'owner-line' }, personAvatar(owner, 28), owner ? `${nameOf(owner)}’s photo` : 'Shared with you'),
    h('div', { class: 'chips' }, h('a', { class: 'chip', href: `/api/assets/${asset.id}/original`, download: asset.originalFileName }, icon('download'), 'Download original')),
    asset.title ? h('p', { class: 'shared-title' }, asset.title) : null,
    asset.description ? h('p', { class: 'muted' }, asset.description) : null,
    infoList(asset),
  ].filter((x): x is HTMLElement => !!x);
}

// Jobs being watched, by id: progress arrives over SSE (job.progressed) or, failing that, by polling.
const watchers = new Map<string, (job: Partial<Job>) => void>();

export function jobProgressed(jobId: string, state: string, progress: number): void {
  watchers.get(jobId)?.({ state: state as Job['state'], progress });
}

function conversionButton(asset: Asset): HTMLElement {
  const bar = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Conversion progress' });
  const button = h('button', { type: 'button', class: 'chip' }, icon('music'), 'Convert to MP3');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const started = await post<{ jobId: string; state: string }>(`/api/assets/${asset.id}/conversions`, { format: 'mp3' });
      bar.hidden = false;
      await followJob(started.jobId, (p) => (bar.value = p));
      const link = h('a', { href: `/api/assets/${asset.id}/conversions/mp3`, download: '' }, 'Download MP3');
      toast(h('span', {}, `MP3 of ${asset.title || asset.originalFileName} is ready. `, link), 'info', 15000);
    } catch (err) {
      toast(err instanceof ApiError ? err.message : String(err), 'error');
    } finally {
      button.disabled = false;
      bar.hidden = true;
    }
  });
  return h('span', { class: 'convert' }, button, bar);
}

function followJob(jobId: string, progress: (p: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer = 0;
    const finish = (job: Partial<Job>) => {
      if (job.progress !== undefined) progress(job.progress);
      if (job.state === 'succeeded') {
        cleanup();
        resolve();
      } else if (job.state === 'failed') {
        cleanup();
        reject(new Error(job.error || 'The conversion failed'));
      }
    };
    const cleanup = () => {
      window.clearInterval(timer);
      watchers.delete(jobId);
    };
    watchers.set(jobId, finish);
    timer = window.setInterval(async () => {
      try {
        finish(await get<Job>(`/api/jobs/${jobId}`));
      } catch {
        /* keep waiting */
      }
    }, 2000);
  });
}
