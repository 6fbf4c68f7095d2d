// /s/{key}: what a share link shows to anyone holding it. A password, when the link has one, goes only in the
// unlock POST (the server answers with a cookie scoped to this link); then the grid and lightbox show exactly
// the shared assets, with downloads only when the link allows them. An unknown, expired or revoked link gets
// one plain notice. This page never touches the visitor's own session.
import { errorOf } from './api';
import { h, icon } from './dom';
import { AssetGrid } from './grid';
import { downloadOriginals } from './selection';
import { cleanup, onLeave, root } from './shell';
import type { Album, Asset } from './types';
import { openViewer } from './viewer';

interface SharedPayload {
  link: { id: string; type: string; expiresAt: string | null; allowDownload: boolean; hasPassword: boolean };
  album?: Album;
  items: Asset[];
}

type Loaded = { state: 'ok'; data: SharedPayload } | { state: 'locked' } | { state: 'gone' };

async function load(key: string): Promise<Loaded> {
  const res = await fetch(`/api/shared/${encodeURIComponent(key)}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (res.status === 401) return { state: 'locked' };
  if (res.status === 404) return { state: 'gone' };
  if (!res.ok) throw await errorOf(res);
  return { state: 'ok', data: (await res.json()) as SharedPayload };
}

function frame(...children: (Node | string)[]): HTMLElement {
  return h('main', { class: 'auth-page shared-notice' }, h('div', { class: 'auth-form' }, h('div', { class: 'brand-large' }, h('img', { src: '/favicon.svg', alt: '', width: 40, height: 40 }), 'Obscura'), ...children));
}

function gonePage(): void {
  cleanup();
  root.append(frame(h('h1', {}, 'This link is no longer available'), h('p', { class: 'muted' }, 'It may have expired or been revoked by its owner.')));
}

function passwordPage(key: string): void {
  const password = h('input', { type: 'password', name: 'password', required: true, autocomplete: 'off' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, icon('lock'), 'Open');
  const form = h(
    'form',
    { class: 'auth-form', 'aria-labelledby': 'share-title' },
    h('div', { class: 'brand-large' }, h('img', { src: '/favicon.svg', alt: '', width: 40, height: 40 }), 'Obscura'),
    h('h1', { id: 'share-title' }, 'This link is protected'),
    h('p', { class: 'muted' }, 'Enter the password you were given to see what was shared.'),
    h('label', { class: 'field' }, h('span', {}, 'Password'), password),
    error,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      const res = await fetch(`/api/shared/${encodeURIComponent(key)}/unlock`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ password: password.value }),
      });
      if (res.status === 404) return gonePage();
      if (res.status === 401) {
        error.textContent = 'That password is not right.';
        password.select();
        return;
      }
      if (!res.ok) {
        error.textContent = (await errorOf(res)).message;
        return;
      }
      await sharedPage(key);
    } finally {
      submit.disabled = false;
    }
  });
  cleanup();
  root.append(h('main', { class: 'auth-page' }, form));
  password.focus();
}

// The link's media URLs instead of the owner's (which need the owner's session).
function throughLink(key: string, a: Asset): Asset {
  const base = `/api/shared/${encodeURIComponent(key)}/assets/`;
  const swap = (url: string) => url.replace(/^\/api\/assets\//, base);
  return { ...a, thumbnailUrl: swap(a.thumbnailUrl), previewUrl: swap(a.previewUrl) };
}

export async function sharedPage(key: string): Promise<void> {
  const loaded = await load(key);
  if (loaded.state === 'gone') return gonePage();
  if (loaded.state === 'locked') return passwordPage(key);
  const { link, album, items } = loaded.data;
  const view = { key, allowDownload: link.allowDownload };
  const assets = items.map((a) => throughLink(key, a));
  const grid: AssetGrid = new AssetGrid({
    source: () => `/api/shared/${key}`,
    fetchPage: async () => ({ items: assets, nextCursor: null }),
    headers: true,
    onOpen: (i) => openViewer(grid, i, view),
    empty: () => h('div', { class: 'empty' }, icon('photo'), h('h2', {}, 'Nothing to show'), h('p', {}, 'What was shared here has been removed.')),
  });
  const title = album ? album.albumName : `${assets.length} shared item${assets.length === 1 ? '' : 's'}`;
  const download = link.allowDownload
    ? h('button', {
        type: 'button',
        class: 'secondary',
        onclick: () => void downloadOriginals(assets.map((a) => ({ url: `/api/shared/${encodeURIComponent(key)}/assets/${a.id}/original`, name: a.originalFileName }))),
      }, icon('download'), 'Download all')
    : null;
  const main = h(
    'main',
    { class: 'timeline shared-page' },
    h(
      'div',
      { class: 'page-head' },
      h('div', { class: 'album-title' }, h('h1', {}, title), album?.description ? h('p', { class: 'muted album-description' }, album.description) : null),
      h('div', { class: 'spacer' }),
      download,
    ),
    grid.element,
  );
  cleanup();
  root.append(
    h(
      'div',
      { class: 'shell' },
      h('header', { class: 'topbar' }, h('a', { class: 'brand', href: '/' }, h('img', { src: '/favicon.svg', alt: '', width: 28, height: 28 }), h('span', {}, 'Obscura')), h('span', { class: 'muted' }, 'Shared with you')),
      main,
    ),
  );
  onLeave(() => grid.destroy());
  await grid.start();
}
