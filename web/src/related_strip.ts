// "Related photos" under the viewer's details: GET /api/assets/{id}/related (similar look, same day, nearby, shared
// tags — the server ranks and only answers what the caller may see). Each one opens in the viewer.
import './duplicates.css';
import { get } from './api';
import { h } from './dom';
import type { Asset } from './types';

export interface RelatedAsset extends Asset {
  related: { score: number; hashDistance: number | null; hoursApart: number; kilometres: number | null; sharedTags: string[] };
}

// Why it is related, in words (the tile's tooltip).
function reasonOf(r: RelatedAsset): string {
  const why: string[] = [];
  if (r.related.hashDistance !== null && r.related.hashDistance <= 12) why.push('looks alike');
  if (r.related.hoursApart < 24) why.push('same day');
  if (r.related.kilometres !== null && r.related.kilometres < 5) why.push(`${r.related.kilometres.toFixed(1)} km away`);
  if (r.related.sharedTags.length) why.push('tags: ' + r.related.sharedTags.join(', '));
  return why.join(' · ');
}

export function relatedStrip(asset: Asset, open: (asset: Asset) => void): HTMLElement {
  const list = h('div', { class: 'related-list' });
  const section = h('section', { class: 'related', 'aria-label': 'Related photos' }, h('h3', {}, 'Related photos'), list);
  get<RelatedAsset[]>(`/api/assets/${encodeURIComponent(asset.id)}/related?limit=12`)
    .then((items) => {
      if (!items.length) {
        list.append(h('p', { class: 'muted' }, 'Nothing related yet.'));
        return;
      }
      for (const r of items) {
        const tile = h(
          'button',
          { type: 'button', class: 'related-item', title: reasonOf(r), 'aria-label': r.title || r.originalFileName, 'data-asset-id': r.id },
          h('img', { src: r.thumbnailUrl, alt: '', loading: 'lazy' }),
        );
        tile.addEventListener('click', () => open(r));
        list.append(tile);
      }
    })
    .catch(() => list.append(h('p', { class: 'muted' }, 'Related photos are not available.')));
  return section;
}
