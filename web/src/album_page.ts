// /albums/{id}: one album's grid. What it offers follows my role (DESIGN.md section 7): the owner edits,
// shares (members and links), sets the cover, adds and removes; an editor adds their own photos (picked, or
// uploaded by the button or by dropping files on the page) and removes the ones they added; a viewer looks and
// downloads. Members may leave.
import { ApiError, call, del, get, patch } from './api';
import { membersDialog } from './album_members';
import { editAlbumDialog, shareDialog } from './album_dialogs';
import { openDialog } from './dialog';
import { h, icon, toast } from './dom';
import { LiveEvents } from './events';
import { libraryGrid } from './library';
import { faces, nameOf, personAvatar, remember } from './people';
import { errorText } from './selection';
import { cleanup, navigate, onLeave, pageLink, root, shell } from './shell';
import type { Album, Asset, AssetPage, User } from './types';
import { installDropZone, uploadControls, Uploader } from './upload';

type Role = 'owner' | 'editor' | 'viewer';

export function roleOf(album: Album, me: User): Role {
  if (album.myRole) return album.myRole;
  return album.ownerId && album.ownerId !== me.id ? 'viewer' : 'owner'; // a server without sharing: all mine
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

// Who shares this album: the owner's face for a member, the members' faces for the owner.
function sharingLine(album: Album, role: Role): HTMLElement | null {
  const members = (album.albumUsers ?? []).map((m) => m.user);
  if (role !== 'owner' && album.owner) {
    const can = role === 'editor' ? 'you can add photos' : 'you can view';
    return h('p', { class: 'album-sharing muted' }, personAvatar(album.owner, 22), `Shared by ${nameOf(album.owner)} · ${can}`);
  }
  if (!album.shared && !members.length && !(album.albumGroups ?? []).length) return null;
  const groups = (album.albumGroups ?? []).map((g) => g.group.name);
  return h('p', { class: 'album-sharing muted' }, faces(members), ['Shared', groups.length ? `with ${groups.join(', ')}` : ''].join(' '));
}

export async function albumPage(user: User, id: string): Promise<void> {
  let album: Album;
  try {
    album = await get<Album>(`/api/albums/${encodeURIComponent(id)}?withoutAssets=true`);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      toast(e.status === 404 ? 'That album is not (or no longer) shared with you' : e.message, 'error');
      return navigate('/albums');
    }
    throw e;
  }
  const role = roleOf(album, user);
  const owner = role === 'owner';
  const canAdd = owner || role === 'editor';
  remember(album.owner, ...(album.albumUsers ?? []).map((m) => m.user));
  const title = h('h1', {}, album.albumName);
  const description = h('p', { class: 'album-description muted' }, album.description);
  const count = h('span', { class: 'muted' });
  const sharing = h('div', { class: 'album-sharing-host' });
  const showAlbum = (a: Album) => {
    album = a;
    title.textContent = a.albumName;
    description.textContent = a.description;
    description.hidden = !a.description;
    count.textContent = `${a.assetCount} item${a.assetCount === 1 ? '' : 's'}`;
    sharing.replaceChildren(...[sharingLine(a, role)].filter((x): x is HTMLElement => !!x));
  };
  showAlbum(album);
  const refresh = async () => showAlbum(await get<Album>(`/api/albums/${album.id}?withoutAssets=true`));
  const reload = async () => {
    await refresh();
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
    me: user.id,
    ownerActions: owner,
    download: owner || album.allowDownload !== false,
    empty: () =>
      h('div', { class: 'empty' }, icon('album'), h('h2', {}, 'This album is empty'), h('p', {}, canAdd ? 'Drop photos here, or use “Upload” or “Add photos”.' : 'Nothing has been added yet.')),
    extra: (selection) => [
      owner && h('button', {
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
      canAdd && h('button', {
        type: 'button',
        class: 'chip',
        onclick: async () => {
          const ids = Array.from(selection.ids);
          // An editor removes only what they added: the server answers per id.
          const results = await call<{ id: string; success: boolean }[]>(`/api/albums/${album.id}/assets`, { method: 'DELETE', body: { ids } });
          const gone = Array.isArray(results) ? results.filter((r) => r.success).map((r) => r.id) : ids;
          lib.grid.remove(gone);
          selection.clear();
          showAlbum({ ...album, assetCount: Math.max(0, album.assetCount - gone.length) });
          const refused = ids.length - gone.length;
          toast(refused ? `${gone.length} removed from the album, ${refused} not yours to remove` : `${gone.length} removed from the album`, refused ? 'error' : 'info');
        },
      }, icon('close'), h('span', {}, 'Remove from album')),
    ].filter((x): x is HTMLButtonElement => !!x),
  });

  // Uploads straight into the album (owner and editors): the button and files dropped anywhere on the page.
  let refreshTimer = 0;
  let left = false;
  const uploader = new Uploader((asset: Asset) => {
    lib.grid.upsert(asset);
    // The thumbnail may be made before this tile existed (its event then found nothing to update): look again.
    if (asset.derivatives.thumbnail === 'pending')
      for (const ms of [3000, 10000])
        window.setTimeout(() => get<Asset>(`/api/assets/${asset.id}`).then((a) => !left && a.derivatives.thumbnail !== 'pending' && lib.grid.assets.some((x) => x.id === a.id) && lib.grid.upsert(a), () => undefined), ms);
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(() => void refresh().catch(() => undefined), 800);
  }, album.id);
  const leave = h('button', {
    type: 'button',
    class: 'secondary',
    onclick: async () => {
      if (!window.confirm(`Leave “${album.albumName}”? You will no longer see it.`)) return;
      try {
        await del(`/api/albums/${album.id}/user/me`);
        toast('You left the album');
        navigate('/albums');
      } catch (e) {
        toast(errorText(e, 'Could not leave the album'), 'error');
      }
    },
  }, icon('logout'), 'Leave');
  const main = h(
    'main',
    { class: 'timeline album-page', 'data-role': role },
    h(
      'div',
      { class: 'page-head' },
      pageLink('/albums', { class: 'icon-button', 'aria-label': 'All albums', title: 'All albums' }, icon('back')),
      h('div', { class: 'album-title' }, title, count),
      h('div', { class: 'spacer' }),
      ...(canAdd ? uploadControls(uploader, 'album-upload-input') : []),
      canAdd && h('button', { type: 'button', class: 'secondary', onclick: () => void addAssetsDialog(album, new Set(lib.grid.assets.map((a: Asset) => a.id)), () => void reload()) }, icon('plus'), 'Add photos'),
      owner && h('button', { type: 'button', class: 'secondary', onclick: () => membersDialog(user, album, showAlbum) }, icon('user'), 'Members'),
      owner && h('button', { type: 'button', class: 'secondary', onclick: () => shareDialog({ albumId: album.id }) }, icon('share'), 'Share'),
      owner && h('button', { type: 'button', class: 'secondary', onclick: () => editAlbumDialog(album, showAlbum) }, icon('edit'), 'Edit'),
      owner && h('button', {
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
      !owner && leave,
    ),
    sharing,
    description,
    lib.bar,
    lib.grid.element,
  );
  cleanup();
  root.append(shell(user, main), uploader.panel);
  // My uploads' thumbnails are announced on my event stream: the placeholder tile takes the picture then.
  const live = new LiveEvents({
    derivativeCreated: (e) => {
      if (!lib.grid.assets.some((a) => a.id === e.assetId)) return;
      get<Asset>(`/api/assets/${encodeURIComponent(e.assetId)}`).then((a) => lib.grid.upsert(a), () => undefined);
    },
    derivativeFailed: () => undefined,
    jobProgressed: () => undefined,
    connected: () => undefined,
  });
  if (canAdd) live.start();
  onLeave(() => {
    left = true;
    live.stop();
    lib.grid.destroy();
    window.clearTimeout(refreshTimer);
  });
  if (canAdd) onLeave(installDropZone((files) => uploader.add(files)));
  await lib.grid.start();
}
