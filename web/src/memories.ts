// "On this day": a strip on top of the timeline with one card per past year (GET /api/memories for the browser's
// own date), each opening that year's photos as a slideshow in the viewer.
import { get } from './api';
import { h } from './dom';
import { AssetGrid } from './grid';
import type { Asset } from './types';
import { openViewer } from './viewer';
import './finding.css';

export interface Memory {
  id: string;
  type: 'on_this_day';
  data: { year: number };
  assets: Asset[];
}

const SLIDE_MS = 4000;

// Today in the browser's time zone: the server matches it against each photo's own local day.
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function openSlideshow(assets: Asset[]): void {
  const grid = new AssetGrid({
    source: () => '/memory',
    headers: false,
    onOpen: () => undefined,
    empty: () => h('div'),
    fetchPage: async () => ({ items: assets, nextCursor: null }),
  });
  void grid.start().then(() => openViewer(grid, 0, null, { slideshowMs: SLIDE_MS }));
}

// The strip (hidden until there is something to show). `today` is for tests and the timeline's deep links.
export function memoriesStrip(today = localToday()): HTMLElement {
  const strip = h('section', { class: 'memories', 'aria-label': 'On this day' });
  strip.hidden = true;
  void (async () => {
    let memories: Memory[] = [];
    try {
      memories = await get<Memory[]>(`/api/memories?for=${today}`);
    } catch {
      return; // no strip rather than an error on the timeline
    }
    const thisYear = Number(today.slice(0, 4));
    for (const m of memories) {
      if (!m.assets.length) continue;
      const ago = thisYear - m.data.year;
      const label = ago === 1 ? '1 year ago' : `${ago} years ago`;
      const cover = m.assets[0];
      strip.appendChild(
        h(
          'button',
          { type: 'button', class: 'memory', 'data-year': String(m.data.year), 'aria-label': `${label} (${m.data.year}), ${m.assets.length} photos`, onclick: () => openSlideshow(m.assets) },
          h('img', { src: cover.thumbnailUrl, alt: '', loading: 'lazy' }),
          h('span', {}, label),
        ),
      );
    }
    strip.hidden = strip.childElementCount === 0;
  })();
  return strip;
}
