// Dialogs about albums and links: add a selection to an album (or a new one), edit an album, and create a
// share link for an album or a selection (then show it once with a copy button).
import { get, patch, post, call } from './api';
import { copyText, field, openDialog } from './dialog';
import { h, icon, toast } from './dom';
import { navigate } from './shell';
import type { Album, SharedLink } from './types';

export function addToAlbumDialog(ids: string[], done: () => void): void {
  const name = h('input', { name: 'albumName', maxlength: 500, placeholder: 'Summer in Paris' });
  const list = h('div', { class: 'album-choices', role: 'radiogroup', 'aria-label': 'Albums' });
  let chosen: string | null = null;
  const radio = (id: string | null, label: string) => {
    const input = h('input', { type: 'radio', name: 'album', value: id ?? '', checked: id === null });
    input.addEventListener('change', () => {
      chosen = id;
      name.disabled = id !== null;
    });
    return h('label', { class: 'album-choice' }, input, h('span', {}, label));
  };
  list.appendChild(radio(null, 'New album'));
  const dialog = openDialog(`Add ${ids.length} to an album`, [list, field('New album name', name)], {
    submit: 'Add',
    onSubmit: async () => {
      if (chosen === null) {
        const albumName = name.value.trim();
        if (!albumName) throw new Error('Give the new album a name.');
        const album = await post<Album>('/api/albums', { albumName, assetIds: ids });
        done();
        toast(`Album “${album.albumName}” created with ${album.assetCount}`);
        navigate(`/albums/${album.id}`);
        return;
      }
      const results = await call<{ success: boolean; error?: string }[]>(`/api/albums/${chosen}/assets`, { method: 'PUT', body: { ids } });
      const added = results.filter((r) => r.success).length;
      const already = results.filter((r) => r.error === 'duplicate').length;
      done();
      toast(already ? `${added} added, ${already} already there` : `${added} added`);
    },
  });
  // Albums I may add to: mine, and the shared ones I edit (a viewer's would refuse).
  Promise.all([get<Album[]>('/api/albums'), get<Album[]>('/api/albums?shared=true').catch(() => [] as Album[])])
    .then(([own, shared]) => [...own, ...shared.filter((s) => s.myRole === 'editor')])
    .then((albums) => albums.forEach((a) => list.appendChild(radio(a.id, `${a.albumName} (${a.assetCount})`))))
    .catch(() => undefined);
  name.focus();
  void dialog;
}

export function editAlbumDialog(album: Album, saved: (a: Album) => void): void {
  const name = h('input', { name: 'albumName', required: true, maxlength: 500, value: album.albumName });
  const description = h('textarea', { name: 'description', rows: 4, maxlength: 10000 });
  description.value = album.description ?? '';
  openDialog('Edit album', [field('Name', name), field('Description', description)], {
    submit: 'Save',
    onSubmit: async () => saved(await patch<Album>(`/api/albums/${album.id}`, { albumName: name.value.trim(), description: description.value })),
  });
}

const EXPIRY: [string, number | null][] = [
  ['Never', null],
  ['1 hour', 3600],
  ['1 day', 86400],
  ['7 days', 7 * 86400],
  ['30 days', 30 * 86400],
];

export function shareDialog(target: { albumId?: string; assetIds?: string[] }, created?: (link: SharedLink) => void): void {
  const expiry = h('select', { name: 'expiry' }, ...EXPIRY.map(([label], i) => h('option', { value: String(i) }, label)));
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', placeholder: 'No password' });
  const allowDownload = h('input', { type: 'checkbox', name: 'allowDownload', checked: true });
  const what = target.albumId ? 'this album' : `${target.assetIds?.length ?? 0} selected`;
  openDialog(`Share ${what}`, [
    field('Expires after', expiry),
    field('Password (optional)', password, 'Sent only when someone opens the link.'),
    h('label', { class: 'check-field' }, allowDownload, h('span', {}, 'Allow downloading originals')),
  ], {
    submit: 'Create link',
    onSubmit: async () => {
      const seconds = EXPIRY[Number(expiry.value)][1];
      const body: Record<string, unknown> = { ...target, allowDownload: allowDownload.checked };
      if (seconds) body.expiresAt = new Date(Date.now() + seconds * 1000).toISOString();
      if (password.value) body.password = password.value;
      const link = await post<SharedLink>('/api/shared-links', body);
      created?.(link);
      showLinkDialog(link);
    },
  });
}

export function linkUrl(link: SharedLink): string {
  return new URL(`/s/${link.key}`, location.origin).href;
}

export function showLinkDialog(link: SharedLink): void {
  const url = h('input', { readonly: true, value: linkUrl(link), class: 'link-url', 'aria-label': 'Link' });
  const copy = h('button', { type: 'button', class: 'secondary' }, icon('copy'), 'Copy link');
  copy.addEventListener('click', async () => toast((await copyText(url.value, url)) ? 'Link copied' : 'Press Ctrl+C to copy'));
  const facts = [link.hasPassword ? 'password protected' : 'no password', link.allowDownload ? 'downloads allowed' : 'view only', link.expiresAt ? `expires ${new Date(link.expiresAt).toLocaleString()}` : 'never expires'];
  openDialog('Link created', [h('div', { class: 'copy-row' }, url, copy), h('p', { class: 'muted' }, facts.join(' · '))], { wide: true });
  url.select();
}
