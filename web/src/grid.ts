// A virtualised, infinitely scrolling grid of assets on the keyset cursor. Only the boxes near the viewport
// are in the DOM (so 10,000 assets scroll like 100); the rest exist only as numbers in the layout.
import { get } from './api';
import { h, icon } from './dom';
import { nameOf, personAvatar, personById } from './people';
import { dayOf, firstVisible, layout, monthOf, type Box, type Layout } from './layout';
import type { Selection } from './selection';
import type { Asset, AssetPage } from './types';

export interface GridOptions {
  source: (cursor: string | null) => string; // the listing URL for a page
  headers: boolean;
  expectedTotal?: () => number; // for the scroll height before everything is loaded
  onOpen: (index: number) => void;
  decorate?: (tile: HTMLElement, asset: Asset) => void;
  empty: () => HTMLElement;
  selection?: Selection; // tiles get a check; a click toggles once anything is selected
  fetchPage?: (url: string) => Promise<AssetPage>; // instead of a GET of the source (shared links)
  me?: string; // the signed-in user: tiles of anyone else's assets (a partner's, an album-mate's) show whose
  selectable?: (asset: Asset) => boolean; // default: every tile
}

const PAGE = 200;
const OVERSCAN = 1.5; // viewports above and below kept rendered

export class AssetGrid {
  readonly element: HTMLElement;
  readonly scroller: HTMLElement;
  private canvas: HTMLElement;
  assets: Asset[] = [];
  private cursor: string | null = null;
  private done = false;
  private loading: Promise<void> | null = null;
  private geometry: Layout = { boxes: [], height: 0, monthTops: new Map() };
  private mounted = new Map<string, HTMLElement>();
  private frame = 0;
  private width = 0;
  private resizeObserver: ResizeObserver;
  private emptyEl: HTMLElement | null = null;
  onLayout?: () => void;

  constructor(private options: GridOptions) {
    this.canvas = h('div', { class: 'grid-canvas' });
    this.scroller = h('div', { class: 'grid-scroller', tabindex: -1 }, this.canvas);
    this.element = h('div', { class: 'grid' }, this.scroller);
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.resizeObserver = new ResizeObserver(() => {
      const w = this.canvas.clientWidth;
      if (w && Math.abs(w - this.width) > 1) {
        this.width = w;
        this.relayout();
      }
    });
    this.resizeObserver.observe(this.scroller);
    options.selection?.onChange(() => this.markSelected());
  }

  // Mounted tiles follow the selection (the ones built later read it when built).
  private markSelected(): void {
    const sel = this.options.selection;
    if (!sel) return;
    this.element.classList.toggle('selecting', sel.size > 0);
    for (const [key, el] of this.mounted) {
      if (!el.classList.contains('tile')) continue;
      const on = sel.has(key);
      el.classList.toggle('selected', on);
      el.querySelector('.tile-check')?.setAttribute('aria-checked', String(on));
    }
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.frame);
  }

  async start(): Promise<void> {
    await this.loadMore();
  }

  get isDone(): boolean {
    return this.done;
  }

  loadMore(limit = PAGE): Promise<void> {
    if (this.done) return Promise.resolve();
    if (this.loading) return this.loading;
    this.loading = (async () => {
      try {
        const url = new URL(this.options.source(this.cursor), location.origin);
        url.searchParams.set('limit', String(limit));
        const path = url.pathname + url.search;
        const page = this.options.fetchPage ? await this.options.fetchPage(path) : await get<AssetPage>(path);
        const known = new Set(this.assets.map((a) => a.id));
        for (const a of page.items) if (!known.has(a.id)) this.assets.push(a);
        this.cursor = page.nextCursor;
        this.done = !page.nextCursor;
      } finally {
        this.loading = null;
      }
      this.relayout();
    })();
    return this.loading;
  }

  // Loads pages until the month is in (or everything is), then scrolls to its header.
  async scrollToMonth(month: string): Promise<void> {
    while (!this.geometry.monthTops.has(month) && !this.done) {
      const last = this.assets[this.assets.length - 1];
      if (last && monthOf(last) < month) break;
      await this.loadMore(500); // the server's largest page: a far jump takes fewer round trips
    }
    let top = this.geometry.monthTops.get(month);
    if (top === undefined) {
      // The nearest earlier month that exists.
      for (const [m, t] of this.geometry.monthTops) if (m <= month) { top = t; break; }
    }
    if (top !== undefined) this.scroller.scrollTo({ top });
  }

  private rowHeight(): number {
    return this.width < 600 ? 110 : this.width < 1100 ? 180 : 220;
  }

  relayout(): void {
    this.width = this.canvas.clientWidth || this.width;
    if (!this.width) return;
    this.geometry = layout(this.assets, {
      width: this.width,
      rowHeight: this.rowHeight(),
      gap: 4,
      headers: this.options.headers,
    });
    let height = this.geometry.height;
    if (!this.done && this.options.expectedTotal) {
      // Room for what is not loaded yet, at the average height per asset so far: the scrollbar stays honest.
      const rest = Math.max(0, this.options.expectedTotal() - this.assets.length);
      const perAsset = this.assets.length ? this.geometry.height / this.assets.length : this.rowHeight() / 4;
      height += rest * perAsset;
    }
    this.canvas.style.height = `${Math.ceil(height)}px`;
    this.render();
    this.onLayout?.();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const viewTop = this.scroller.scrollTop;
    const viewHeight = this.scroller.clientHeight || window.innerHeight;
    const from = viewTop - viewHeight * OVERSCAN;
    const to = viewTop + viewHeight * (1 + OVERSCAN);
    const boxes = this.geometry.boxes;
    const wanted = new Set<string>();
    let previous: HTMLElement | null = null;
    for (let i = firstVisible(boxes, from); i < boxes.length && boxes[i].top <= to; i++) {
      const box = boxes[i];
      wanted.add(box.key);
      let el = this.mounted.get(box.key);
      if (!el) {
        el = this.build(box);
        this.mounted.set(box.key, el);
        // In layout order, so Tab walks the grid as it reads (new elements go in place; mounted ones never
        // move, which would drop their focus).
        this.canvas.insertBefore(el, previous ? previous.nextSibling : this.canvas.firstChild);
      }
      place(el, box);
      previous = el;
    }
    for (const [key, el] of this.mounted) {
      if (!wanted.has(key)) {
        el.remove();
        this.mounted.delete(key);
      }
    }
    if (this.emptyEl) this.emptyEl.remove();
    this.emptyEl = null;
    if (this.done && this.assets.length === 0) {
      this.emptyEl = this.options.empty();
      this.canvas.appendChild(this.emptyEl);
    }
    if (!this.done && viewTop + viewHeight * 3 > this.geometry.height) void this.loadMore();
  }

  private build(box: Box): HTMLElement {
    let el: HTMLElement;
    if (box.kind === 'month') {
      el = h('h2', { class: 'month-header' }, box.label);
    } else if (box.kind === 'day') {
      el = h('h3', { class: 'day-header' }, box.label);
      const sel = this.options.selection;
      if (sel) {
        const day = box.key.slice(1);
        el.prepend(
          h('button', {
            type: 'button',
            class: 'day-check',
            'aria-label': `Select ${box.label}`,
            title: 'Select this day',
            onclick: () => sel.toggleAll(this.assets.filter((a) => dayOf(a) === day && this.canSelect(a)).map((a) => a.id)),
          }, icon('check')),
        );
      }
    } else {
      el = this.tile(box.asset!);
    }
    return el;
  }

  private canSelect(asset: Asset): boolean {
    return !this.options.selectable || this.options.selectable(asset);
  }

  private tile(asset: Asset): HTMLElement {
    const name = asset.title || asset.originalFileName;
    const selectable = this.canSelect(asset);
    const tile = h('a', {
      class: 'tile',
      href: `/photos/${encodeURIComponent(asset.id)}`,
      'data-id': asset.id,
      'aria-label': name,
      onclick: (e: Event) => {
        e.preventDefault();
        const sel = this.options.selection;
        if (sel && selectable && (sel.size > 0 || (e as MouseEvent).shiftKey)) sel.toggle(asset.id, this.assets, (e as MouseEvent).shiftKey);
        else this.options.onOpen(this.assets.findIndex((a) => a.id === asset.id));
      },
    });
    // Space selects from the keyboard (the check itself is for the mouse: a control inside a link cannot be
    // focused on its own).
    tile.addEventListener('keydown', (e) => {
      const sel = this.options.selection;
      if (!sel || !selectable || e.key !== ' ') return;
      e.preventDefault();
      sel.toggle(asset.id, this.assets, e.shiftKey);
    });
    tile.appendChild(h('span', { class: 'tile-placeholder' }, icon(asset.type === 'video' ? 'video' : 'photo')));
    if (asset.derivatives.thumbnail === 'failed') {
      tile.classList.add('failed');
      tile.appendChild(h('span', { class: 'tile-note' }, 'No preview'));
    } else if (asset.derivatives.thumbnail === 'ready' || asset.derivatives.thumbnail === undefined) {
      const img = h('img', { src: asset.thumbnailUrl, alt: '', decoding: 'async', draggable: 'false' });
      img.addEventListener('load', () => tile.classList.add('loaded'));
      img.addEventListener('error', () => img.remove());
      tile.appendChild(img);
    }
    if (asset.type === 'video') {
      tile.appendChild(h('span', { class: 'badge' }, icon('play'), formatDuration(asset.durationSeconds)));
    }
    if (asset.isFavorite) tile.appendChild(h('span', { class: 'fav' }, icon('heart', 'Favourite')));
    const me = this.options.me;
    if (me && asset.ownerId && asset.ownerId !== me) {
      // Someone else's: their face in the corner (the tile's own label stays the photo's name).
      const owner = personById(asset.ownerId);
      tile.dataset.owner = owner?.username ?? asset.ownerId;
      tile.appendChild(h('span', { class: 'owner-badge', title: owner ? `From ${nameOf(owner)}` : 'Shared with you' }, personAvatar(owner, 22)));
    }
    const sel = this.options.selection;
    if (sel && selectable) {
      const on = sel.has(asset.id);
      tile.classList.toggle('selected', on);
      tile.appendChild(
        h('span', {
          class: 'tile-check',
          role: 'checkbox',
          'aria-checked': String(on),
          'aria-label': `Select ${name}`,
          onclick: (e: Event) => {
            e.preventDefault();
            e.stopPropagation();
            sel.toggle(asset.id, this.assets, (e as MouseEvent).shiftKey);
          },
        }, icon('check')),
      );
    }
    this.options.decorate?.(tile, asset);
    return tile;
  }

  // An asset changed (edit, new thumbnail) or arrived (upload): update it in place or insert it in order.
  upsert(asset: Asset): void {
    const i = this.assets.findIndex((a) => a.id === asset.id);
    this.forget(asset.id);
    if (i >= 0) {
      this.assets[i] = asset;
    } else {
      const key = (a: Asset) => (a.takenAt || a.createdAt) + a.id;
      const at = this.assets.findIndex((a) => key(a) < key(asset));
      if (at < 0 && !this.done) return; // older than everything loaded: it will come with a later page
      this.assets.splice(at < 0 ? this.assets.length : at, 0, asset);
    }
    this.relayout();
  }

  remove(ids: string[]): void {
    const gone = new Set(ids);
    ids.forEach((id) => this.forget(id));
    this.assets = this.assets.filter((a) => !gone.has(a.id));
    this.relayout();
  }

  // Drops the element of an asset so the next render builds it afresh.
  private forget(id: string): void {
    this.mounted.get(id)?.remove();
    this.mounted.delete(id);
  }

  reset(): void {
    this.mounted.forEach((el) => el.remove());
    this.mounted.clear();
    this.assets = [];
    this.cursor = null;
    this.done = false;
    this.scroller.scrollTop = 0;
    void this.loadMore();
  }

  monthTops(): Map<string, number> {
    return this.geometry.monthTops;
  }
}

function place(el: HTMLElement, box: Box): void {
  el.style.transform = `translate(${Math.round(box.left)}px, ${Math.round(box.top)}px)`;
  el.style.width = `${Math.round(box.width)}px`;
  el.style.height = `${Math.round(box.height)}px`;
}

export function formatDuration(seconds?: number | null): string {
  if (!seconds && seconds !== 0) return '';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
