// /albums: my albums with covers and counts (the members' faces on the ones I share), the albums others share
// with me (the owner's face, my role), and my share links. One album's page is album_page.ts.
import { del, get, post } from './api';
import { linkUrl } from './album_dialogs';
import { roleOf } from './album_page';
import { copyText, field, openDialog } from './dialog';
import { h, icon, toast } from './dom';
import { faces, nameOf, personAvatar, remember } from './people';
import { cleanup, navigate, pageLink, root, shell } from './shell';
import type { Album, SharedLink, User } from './types';

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

function albumCard(a: Album, me: User): HTMLElement {
  const role = roleOf(a, me);
  const members = (a.albumUsers ?? []).map((m) => m.user);
  // The owner's face on an album shared with me; the members' (editors first) on one I share.
  const editorsFirst = [...(a.albumUsers ?? [])].sort((x, y) => (x.role === y.role ? 0 : x.role === 'editor' ? -1 : 1)).map((m) => m.user);
  const badge =
    role !== 'owner' && a.owner
      ? h('span', { class: 'cover-badge' }, personAvatar(a.owner, 30, `Shared by ${nameOf(a.owner)}`))
      : members.length
        ? h('span', { class: 'cover-badge' }, faces(editorsFirst, 3, 26))
        : null;
  const under =
    role !== 'owner'
      ? h('span', { class: 'muted album-owner' }, `${a.owner ? nameOf(a.owner) : 'Shared'} · ${role}`)
      : a.shared || members.length || (a.albumGroups ?? []).length
        ? h('span', { class: 'muted album-owner' }, 'Shared')
        : null;
  return h(
    'li',
    { 'data-role': role },
    pageLink(
      `/albums/${a.id}`,
      { class: 'album-card', 'aria-label': a.albumName },
      h('span', { class: 'cover-wrap' }, cover(a), badge),
      h('span', { class: 'album-name' }, a.albumName),
      h('span', { class: 'muted album-count' }, `${a.assetCount} item${a.assetCount === 1 ? '' : 's'}`),
      under,
    ),
  );
}

export async function albumsPage(user: User): Promise<void> {
  const grid = h('ul', { class: 'album-grid', 'aria-label': 'Albums' });
  const sharedGrid = h('ul', { class: 'album-grid', 'aria-label': 'Shared with me' });
  const sharedTitle = h('h2', { class: 'section-title', hidden: true }, 'Shared with me');
  const links = h('ul', { class: 'link-list', 'aria-label': 'Share links' });
  const main = h(
    'main',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Albums'), h('div', { class: 'spacer' }), h('button', { type: 'button', class: 'primary', onclick: newAlbumDialog }, icon('plus'), 'New album')),
    grid,
    sharedTitle,
    sharedGrid,
    h('h2', { class: 'section-title' }, 'My share links'),
    links,
  );
  cleanup();
  root.append(shell(user, main));
  // Mine, and (asked apart, since a server without sharing answers it with []) the shared ones, once each.
  const [own, shared, linkList] = await Promise.all([
    get<Album[]>('/api/albums'),
    get<Album[]>('/api/albums?shared=true').catch(() => [] as Album[]),
    get<SharedLink[]>('/api/shared-links'),
  ]);
  const albums = [...own, ...shared.filter((s) => !own.some((o) => o.id === s.id))];
  albums.forEach((a) => remember(a.owner, ...(a.albumUsers ?? []).map((m) => m.user)));
  const mine = albums.filter((a) => roleOf(a, user) === 'owner');
  const withMe = albums.filter((a) => roleOf(a, user) !== 'owner');
  if (!mine.length && withMe.length) grid.appendChild(h('li', { class: 'muted' }, 'No albums of your own yet: select photos on the timeline and choose “Add to album”.'));
  else if (!mine.length) grid.appendChild(h('li', { class: 'empty' }, icon('album'), h('h2', {}, 'No albums yet'), h('p', {}, 'Select photos on the timeline and choose “Add to album”.')));
  mine.forEach((a) => grid.appendChild(albumCard(a, user)));
  withMe.forEach((a) => sharedGrid.appendChild(albumCard(a, user)));
  sharedTitle.hidden = sharedGrid.hidden = !withMe.length;
  const byId = new Map(albums.map((a) => [a.id, a]));
  const showLinks = (list: SharedLink[]) => {
    links.replaceChildren(...list.map((l) => linkRow(l, byId, () => showLinks(list.filter((x) => x.id !== l.id)))));
    if (!list.length) links.appendChild(h('li', { class: 'muted' }, 'No share links. Share an album or a selection to make one.'));
  };
  showLinks(linkList);
}
