// The search page's filters (GET /api/search's make, model, lens, from, to, type, favorite, near, albumId): chips for
// the active ones (× removes one), and a small form that adds them. The page's own URL carries them as the API takes
// them, except dates: the page keeps YYYY-MM-DD (the form's) and the API gets RFC 3339 (to: the day after, as the API's
// `to` is exclusive).
import { h, icon } from './dom';
import './finding.css'; // the chips' and the form's styles (also the map's and the memories')
import { navigate } from './shell';

export const FILTERS: { key: string; label: string }[] = [
  { key: 'make', label: 'Make' },
  { key: 'model', label: 'Model' },
  { key: 'lens', label: 'Lens' },
  { key: 'from', label: 'From' },
  { key: 'to', label: 'To' },
  { key: 'type', label: 'Type' },
  { key: 'favorite', label: 'Favourites' },
  { key: 'near', label: 'Near' },
  { key: 'albumId', label: 'Album' },
];

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

// The /api/search query for the page's parameters ('' when there is neither text nor a filter).
export function searchQuery(params: URLSearchParams): string {
  const out = new URLSearchParams();
  const q = (params.get('q') ?? '').trim();
  if (q) out.set('q', q);
  for (const { key } of FILTERS) {
    const value = (params.get(key) ?? '').trim();
    if (!value) continue;
    if (key === 'from') out.set('from', `${value}T00:00:00Z`);
    else if (key === 'to') out.set('to', `${nextDay(value)}T00:00:00Z`);
    else out.set(key, value);
  }
  return out.toString();
}

function go(params: URLSearchParams): void {
  navigate(`/search?${params.toString()}`);
}

export function filterBar(params: URLSearchParams): HTMLElement {
  const chips = h('div', { class: 'filter-chips', 'aria-label': 'Filters' });
  for (const { key, label } of FILTERS) {
    const value = params.get(key);
    if (!value) continue;
    const shown = key === 'favorite' ? (value === 'true' ? 'only' : 'none') : value;
    chips.appendChild(
      h(
        'span',
        { class: 'filter-chip', 'data-filter': key },
        `${label}: ${shown}`,
        h('button', {
          type: 'button',
          'aria-label': `Remove the ${label.toLowerCase()} filter`,
          onclick: () => {
            const next = new URLSearchParams(params);
            next.delete(key);
            go(next);
          },
        }, '×'),
      ),
    );
  }
  const field = (name: string, placeholder: string, type = 'text') =>
    h('input', { name, type, placeholder, 'aria-label': placeholder, value: params.get(name) ?? '' });
  const typeSelect = h('select', { name: 'type', 'aria-label': 'Type' }, h('option', { value: '' }, 'Any type'), h('option', { value: 'image' }, 'Photos'), h('option', { value: 'video' }, 'Videos'));
  typeSelect.value = params.get('type') ?? '';
  const favorite = h('input', { type: 'checkbox', name: 'favorite', 'aria-label': 'Favourites only' });
  favorite.checked = params.get('favorite') === 'true';
  const form = h(
    'form',
    {
      class: 'filter-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const data = new FormData(form);
        const next = new URLSearchParams();
        const q = params.get('q');
        if (q) next.set('q', q);
        for (const { key } of FILTERS) {
          const value = key === 'favorite' ? (favorite.checked ? 'true' : '') : String(data.get(key) ?? params.get(key) ?? '').trim();
          if (value) next.set(key, value);
        }
        go(next);
      },
    },
    field('make', 'Camera make'),
    field('model', 'Camera model'),
    field('lens', 'Lens'),
    field('from', 'From', 'date'),
    field('to', 'To', 'date'),
    typeSelect,
    h('label', {}, favorite, ' Favourites'),
    field('near', 'Near: lat,lon,km'),
    h('button', { type: 'submit', class: 'secondary' }, icon('search'), 'Apply filters'),
  );
  return h('div', { class: 'search-filters' }, chips, form);
}
