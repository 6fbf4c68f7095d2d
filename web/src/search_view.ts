// Grids of a subset of the library: search results (/search?q=, or ?tag= from the tags page), favourites,
// archive; and the tags page with counts.
import { get } from './api';
import { h, icon } from './dom';
import { libraryGrid, type LibraryOptions } from './library';
import { filterBar, searchQuery } from './search_filters';
import { cleanup, onLeave, pageLink, root, shell } from './shell';
import type { User } from './types';
import { showWithUpload } from './upload';

const withCursor = (base: string) => (cursor: string | null) => `${base}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;

// `upload`: the timeline's Upload button and drop zone in the header (the search page).
async function subsetPage(user: User, heading: (string | Node)[], className: string, options: LibraryOptions, above: HTMLElement[] = [], upload = false): Promise<void> {
  const lib = libraryGrid(options);
  const main = h('main', { class: `timeline ${className}` }, h('div', { class: 'page-head' }, h('h1', {}, ...heading)), ...above, lib.bar, lib.grid.element);
  cleanup();
  if (upload) showWithUpload(user, main);
  else root.append(shell(user, main));
  onLeave(() => lib.grid.destroy());
  await lib.grid.start();
}

export function searchPage(user: User): Promise<void> {
  const params = new URLSearchParams(location.search);
  const q = (params.get('q') ?? '').trim();
  const tag = (params.get('tag') ?? '').trim();
  if (tag) {
    return subsetPage(user, [icon('tag'), ` ${tag}`], 'tag-page', {
      source: withCursor(`/api/assets?order=desc&tag=${encodeURIComponent(tag)}`),
      headers: true,
      empty: () => h('div', { class: 'empty' }, icon('tag'), h('h2', {}, 'Nothing carries this tag')),
    }, [], true);
  }
  const query = searchQuery(params);
  return subsetPage(user, [q ? `Results for “${q}”` : 'Search'], 'search-page', {
    source: withCursor(`/api/search?${query}`),
    headers: false,
    fetchPage: query ? undefined : async () => ({ items: [], nextCursor: null }),
    empty: () =>
      h('div', { class: 'empty' }, icon('search'), h('h2', {}, query ? 'No matches' : 'Search your library'), h('p', {}, 'Words are matched against titles, descriptions, tags, file names and cameras; filters narrow them down.')),
  }, [filterBar(params)], true);
}

export function favoritesPage(user: User): Promise<void> {
  return subsetPage(user, ['Favourites'], 'favorites-page', {
    source: withCursor('/api/assets?order=desc&favorite=true'),
    headers: true,
    favoritesOnly: true,
    empty: () => h('div', { class: 'empty' }, icon('heart'), h('h2', {}, 'No favourites yet'), h('p', {}, 'Select photos and choose “Favourite”, or use the heart in the viewer.')),
  });
}

export function archivePage(user: User): Promise<void> {
  return subsetPage(user, ['Archive'], 'archive-page', {
    source: withCursor('/api/assets?order=desc&archived=true'),
    headers: true,
    archivedLeaves: false,
    empty: () => h('div', { class: 'empty' }, icon('archive'), h('h2', {}, 'The archive is empty'), h('p', {}, 'Archived photos stay out of the timeline but keep their albums.')),
  });
}

export async function tagsPage(user: User): Promise<void> {
  const list = h('ul', { class: 'tag-list', 'aria-label': 'Tags' });
  const main = h('main', { class: 'page' }, h('div', { class: 'page-head' }, h('h1', {}, 'Tags')), list);
  cleanup();
  root.append(shell(user, main));
  const tags = await get<{ tag: string; count: number }[]>('/api/tags');
  if (!tags.length) list.appendChild(h('li', { class: 'empty' }, icon('tag'), h('h2', {}, 'No tags yet'), h('p', {}, 'Add tags to a photo in its details panel.')));
  for (const t of tags) {
    list.appendChild(h('li', {}, pageLink(`/search?tag=${encodeURIComponent(t.tag)}`, { class: 'tag-chip' }, icon('tag'), h('span', {}, t.tag), h('span', { class: 'tag-count' }, String(t.count)))));
  }
}
