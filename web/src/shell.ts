// The page frame every signed-in page shares: top bar (brand, pages, search, account, sign-out), the page's
// teardown list, and client-side navigation.
import { clear, h, icon } from './dom';
import { signOut } from './session';
import type { User } from './types';

export const root = document.getElementById('app')!;
let teardown: (() => void)[] = [];
let router: () => Promise<void> = async () => undefined;

export function setRouter(fn: () => Promise<void>): void {
  router = fn;
}

export function onLeave(...fns: (() => void)[]): void {
  teardown.push(...fns);
}

export function cleanup(): void {
  teardown.forEach((fn) => fn());
  teardown = [];
  document.querySelectorAll('dialog').forEach((d) => d.remove());
  document.body.classList.remove('selecting');
  clear(root);
}

export function navigate(path: string): void {
  history.pushState(null, '', path);
  void router();
}

// A link that navigates without a reload.
export function pageLink(path: string, attrs: Record<string, string>, ...children: (Node | string | null)[]): HTMLAnchorElement {
  return h(
    'a',
    {
      ...attrs,
      href: path,
      onclick: (e: Event) => {
        const m = e as MouseEvent;
        if (m.ctrlKey || m.metaKey || m.shiftKey || m.button !== 0) return;
        e.preventDefault();
        navigate(path);
      },
    },
    ...children,
  );
}

function navLink(path: string, label: string, iconName: string): HTMLElement {
  const here = location.pathname;
  const current =
    here === path ||
    (path === '/' && here.startsWith('/photos/')) ||
    (path !== '/' && here.startsWith(path + '/'));
  return pageLink(path, { class: 'nav-link', title: label, ...(current ? { 'aria-current': 'page' } : {}) }, icon(iconName), h('span', {}, label));
}

function searchBox(): HTMLElement {
  const params = new URLSearchParams(location.search);
  const input = h('input', {
    type: 'search',
    name: 'q',
    placeholder: 'Search photos',
    'aria-label': 'Search',
    value: location.pathname === '/search' ? params.get('q') ?? '' : '',
    autocomplete: 'off',
  });
  return h(
    'form',
    {
      class: 'search-box',
      role: 'search',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const q = input.value.trim();
        if (q) navigate(`/search?q=${encodeURIComponent(q)}`);
      },
    },
    icon('search'),
    input,
  );
}

// The signed-in user's picture, or the initial of their name when they have none. The server's avatarUrl is null
// without an avatar (then nothing is fetched) and otherwise carries the picture's version (?v=), so every copy on
// a page is one URL the browser fetches once, and a new picture is a new URL.
export function avatarOf(user: User, size = 28): HTMLElement {
  const name = user.displayName || user.username;
  const letter = () => h('span', { class: 'avatar avatar-letter', 'aria-hidden': 'true', style: null }, name.slice(0, 1).toUpperCase());
  if (!user.avatarUrl) return letter();
  const img = h('img', { class: 'avatar', src: user.avatarUrl, alt: '', width: size, height: size });
  img.addEventListener('error', () => img.replaceWith(letter()));
  return img;
}

export function shell(user: User, main: HTMLElement, actions: HTMLElement[] = []): HTMLElement {
  const name = user.displayName || user.username;
  return h(
    'div',
    { class: 'shell' },
    h(
      'header',
      { class: 'topbar' },
      pageLink('/', { class: 'brand' }, h('img', { src: '/favicon.svg', alt: '', width: 28, height: 28 }), h('span', {}, 'Obscura')),
      h(
        'nav',
        { class: 'main-nav', 'aria-label': 'Pages' },
        navLink('/', 'Photos', 'photo'),
        navLink('/albums', 'Albums', 'album'),
        navLink('/map', 'Map', 'map'),
        navLink('/sharing', 'Sharing', 'share'),
        navLink('/favorites', 'Favourites', 'heart'),
        navLink('/archive', 'Archive', 'archive'),
        navLink('/tags', 'Tags', 'tag'),
        navLink('/trash', 'Trash', 'trash'),
        navLink('/duplicates', 'Duplicates', 'photo'),
        user.isAdmin ? navLink('/admin', 'Admin', 'shield') : null,
      ),
      searchBox(),
      h('div', { class: 'spacer' }),
      ...actions,
      pageLink('/account', { class: 'account-link', title: `Account (${user.username})`, 'aria-label': 'Account' }, avatarOf(user), h('span', { class: 'user-name' }, name)),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Sign out', title: 'Sign out', onclick: () => void signOut() }, icon('logout')),
    ),
    main,
  );
}
