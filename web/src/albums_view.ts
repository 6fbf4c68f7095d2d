// /albums (the albums with covers and counts, and my share links) and /albums/{id} (one album's grid with
// edit, share, delete, add and remove, and the cover choice).
import { ApiError, call, del, get, patch, post } from './api';
import { editAlbumDialog, linkUrl, shareDialog } from './album_dialogs';
import { copyText, field, openDialog } from './dialog';
import { h, icon, toast } from './dom';
import { libraryGrid } from './library';
import { errorText } from './selection';
import { cleanup, navigate, onLeave, pageLink, root, shell } from './shell';
import type { Album, Asset, AssetPage, SharedLink, User } from './types';

function cover(album: Album): HTMLElement {
  if (!album.albumThumbnailAssetId) return h('span', { class: 'album-cover empty-cover' }, icon('album'));
  return h('img', { class: 'album-cover', src: `/api/assets/${album.albumThumbnailAssetId}/thumbnail?size=thumbnail`, alt: '', loading: 'lazy' });
}

function newAlbumDialog(): void {
  const name = h('input', { name: 'albumName', required: true, maxlength: 500 });
  const description = h('textarea', { name: 'description', rows: 3, maxlength: 10000 });
  openDialog('New album', [field('Name', name), field('Description (optional)', description)], {
    submit: 'Create',
    onSubmit: async () => {
      const album = await post<Album>('/api/albums', { albumName: name.value.trim(), description: description.value });
      navigate(`/albums/${album.id}`);
    },
  });
  name.focus();
}

function linkRow(link: SharedLink, albums: Map<string, Album>, revoked: () => void): HTMLElement {
  const what = link.albumId ? `Album “${albums.get(link.albumId)?.albumName ?? '…'}”` : `${link.assetIds.length} item${link.assetIds.length === 1 ? '' : 's'}`;
  const expired = link.expiresAt && new Date(link.expiresAt).getTime() < Date.now();
  const facts = [
    link.hasPassword ? 'password' : null,
    link.allowDownload ? 'downloads' : 'view only',
    link.expiresAt ? `${expired ? 'expired' : 'expires'} ${new Date(link.expiresAt).toLocaleDateString()}` : 'no expiry',
  ].filter(Boolean).join(' · ');
  const url = h('input', { readonly: true, value: linkUrl(link), class: 'link-url', 'aria-label': `Link to ${what}` });
  return h(
    'li',
    { class: 'link-row', 'data-key': link.key },
    h('div', { class: 'link-what' }, h('strong', {}, what), h('span', { class: 'muted' }, facts)),
    url,
    h('button', { type: 'button', class: 'chip', onclick: async () => toast((await copyText(url.value, url)) ? 'Link copied' : 'Press Ctrl+C to copy') }, icon('copy'), 'Copy'),
    h('button', {
      type: 'button',
      class: 'chip danger',
      'aria-label': `Revoke link to ${what}`,
      onclick: async () => {
        if (!window.confirm('Revoke this link? Anyone opening it will be told it is no longer available.')) return;
        await del(`/api/shared-links/${link.id}`);
        toast('Link revoked');
        revoked();
      },
    }, icon('trash'), 'Revoke'),
  );
}

export async function albumsPage(user: User): Promise<void> {
  const grid = h('ul', { class: 'album-grid', 'aria-label': 'Albums' });
  const links = h('ul', { class: 'link-list', 'aria-label': 'Share links' });
  const main = h(
    'main',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Albums'), h('div', { class: 'spacer' }), h('button', { type: 'button', class: 'primary', onclick: newAlbumDialog }, icon('plus'), 'New album')),
    grid,
    h('h2', { class: 'section-title' }, 'My share links'),
    links,
  );
  cleanup();
  root.append(shell(user, main));
  const [albums, shared] = await Promise.all([get<Album[]>('/api/albums'), get<SharedLink[]>('/api/shared-links')]);
  if (!albums.length) grid.appendChild(h('li', { class: 'empty' }, icon('album'), h('h2', {}, 'No albums yet'), h('p', {}, 'Select photos on the timeline and choose “Add to album”.')));
  for (const a of albums) {
    grid.appendChild(
      h('li', {}, pageLink(`/albums/${a.id}`, { class: 'album-card', 'aria-label': a.albumName }, cover(a), h('span', { class: 'album-name' }, a.albumName), h('span', { class: 'muted album-count' }, `${a.assetCount} item${a.assetCount === 1 ? '' : 's'}`))),
    );
  }
  const byId = new Map(albums.map((a) => [a.id, a]));
  const showLinks = (list: SharedLink[]) => {
    links.replaceChildren(...list.map((l) => linkRow(l, byId, () => showLinks(list.filter((x) => x.id !== l.id)))));
    if (!list.length) links.appendChild(h('li', { class: 'muted' }, 'No share links. Share an album or a selection to make one.'));
  };
  showLinks(shared);
}

// A picker of the user's assets not yet in the album: the newest 200, as checkable thumbnails.
async function addAssetsDialog(album: Album, present: Set<string>, added: () => void): Promise<void> {
  const page = await get<AssetPage>('/api/assets?order=desc&limit=200');
  const choices = page.items.filter((a) => !present.has(a.id));
  const picked = new Set<string>();
  const list = h('div', { class: 'picker' }, ...choices.map((a) => {
    const box = h('input', { type: 'checkbox', 'aria-label': a.title || a.originalFileName });
    box.addEventListener('change', () => (box.checked ? picked.add(a.id) : picked.delete(a.id)));
    return h('label', { class: 'pick' }, box, h('img', { src: a.thumbnailUrl, alt: '' }));
  }));
  openDialog(`Add to “${album.albumName}”`, [choices.length ? list : h('p', { class: 'muted' }, 'Everything is in this album already.')], {
    submit: 'Add',
    wide: true,
    onSubmit: async () => {
      if (!picked.size) return;
      await call('/api/albums/' + album.id + '/assets', { method: 'PUT', body: { ids: Array.from(picked) } });
      toast(`${picked.size} added`);
      added();
    },
  });
}

export async function albumPage(user: User, id: string): Promise<void> {
  let album: Album;
  try {
    album = await get<Album>(`/api/albums/${encodeURIComponent(id)}?withoutAssets=true`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return navigate('/albums');
    throw e;
  }
  const title = h('h1', {}, album.albumName);
  const description = h('p', { class: 'album-description muted' }, album.description);
  const count = h('span', { class: 'muted' });
  const showAlbum = (a: Album) => {
    album = a;
    title.textContent = a.albumName;
    description.textContent = a.description;
    description.hidden = !a.description;
    count.textContent = `${a.assetCount} item${a.assetCount === 1 ? '' : 's'}`;
  };
  showAlbum(album);
  const reload = async () => {
    showAlbum(await get<Album>(`/api/albums/${album.id}?withoutAssets=true`));
    lib.grid.reset();
  };
  const lib = libraryGrid({
    // The album's own listing: archived members included, as the album shows them.
    source: () => `/api/albums/${album.id}`,
    fetchPage: async (url) => {
      const a = await get<Album>(url.replace(/\?.*$/, ''));
      return { items: a.assets ?? [], nextCursor: null };
    },
    headers: true,
    archivedLeaves: false,
    empty: () => h('div', { class: 'empty' }, icon('album'), h('h2', {}, 'This album is empty'), h('p', {}, 'Use “Add photos” to put some in.')),
    extra: (selection) => [
      h('button', {
        type: 'button',
        class: 'chip',
        onclick: async () => {
          const [one] = Array.from(selection.ids);
          if (selection.size !== 1) return toast('Select exactly one photo for the cover', 'error');
          showAlbum(await patch<Album>(`/api/albums/${album.id}`, { albumThumbnailAssetId: one }));
          selection.clear();
          toast('Cover set');
        },
      }, icon('star'), h('span', {}, 'Set as cover')),
      h('button', {
        type: 'button',
        class: 'chip',
        onclick: async () => {
          const ids = Array.from(selection.ids);
          await call(`/api/albums/${album.id}/assets`, { method: 'DELETE', body: { ids } });
          lib.grid.remove(ids);
          selection.clear();
          showAlbum({ ...album, assetCount: Math.max(0, album.assetCount - ids.length) });
          toast(`${ids.length} removed from the album`);
        },
      }, icon('close'), h('span', {}, 'Remove from album')),
    ],
  });
  const main = h(
    'main',
    { class: 'timeline album-page' },
    h(
      'div',
      { class: 'page-head' },
      pageLink('/albums', { class: 'icon-button', 'aria-label': 'All albums', title: 'All albums' }, icon('back')),
      h('div', { class: 'album-title' }, title, count),
      h('div', { class: 'spacer' }),
      h('button', { type: 'button', class: 'secondary', onclick: () => void addAssetsDialog(album, new Set(lib.grid.assets.map((a: Asset) => a.id)), () => void reload()) }, icon('plus'), 'Add photos'),
      h('button', { type: 'button', class: 'secondary', onclick: () => shareDialog({ albumId: album.id }) }, icon('share'), 'Share'),
      h('button', { type: 'button', class: 'secondary', onclick: () => editAlbumDialog(album, showAlbum) }, icon('edit'), 'Edit'),
      h('button', {
        type: 'button',
        class: 'danger',
        onclick: async () => {
          if (!window.confirm(`Delete the album “${album.albumName}”? Its photos stay in your library; its share links stop working.`)) return;
          try {
            await del(`/api/albums/${album.id}`);
            toast('Album deleted');
            navigate('/albums');
          } catch (e) {
            toast(errorText(e, 'Could not delete the album'), 'error');
          }
        },
      }, icon('trash'), 'Delete'),
    ),
    description,
    lib.bar,
    lib.grid.element,
  );
  cleanup();
  root.append(shell(user, main));
  onLeave(() => lib.grid.destroy());
  await lib.grid.start();
}

