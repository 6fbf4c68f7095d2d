// Other people as sharing shows them: their picture or initial, their name, and a picker to choose some of them.
// Everyone learned from any answer (partners, album members, the user list) is remembered by id, so a partner's
// tile in the timeline or an album-mate's photo in the viewer can say whose it is.
import { ApiError, get } from './api';
import { h } from './dom';
import type { UserSummary } from './types';

const known = new Map<string, UserSummary>();

export function remember(...people: (UserSummary | null | undefined)[]): void {
  for (const p of people) if (p && p.id) known.set(p.id, p);
}

export function personById(id: string): UserSummary | undefined {
  return known.get(id);
}

export function nameOf(p: UserSummary): string {
  return p.displayName || p.username;
}

// The picture the server names for them, else (or when it cannot be loaded) their initial.
export function personAvatar(p: UserSummary | undefined, size = 28, label?: string): HTMLElement {
  const name = p ? nameOf(p) : '?';
  // Sized through the CSSOM: a style attribute would break the page's CSP (style-src 'self').
  const letter = () => {
    const el = h('span', { class: 'avatar avatar-letter', 'aria-hidden': label ? null : 'true', role: label ? 'img' : null, 'aria-label': label ?? null, title: label ?? null }, name.slice(0, 1).toUpperCase());
    el.style.width = el.style.height = `${size}px`;
    el.style.fontSize = `${Math.round(size * 0.45)}px`;
    return el;
  };
  if (!p?.avatarUrl) return letter();
  const img = h('img', { class: 'avatar', src: p.avatarUrl, alt: label ?? '', title: label ?? null, width: size, height: size, loading: 'lazy' });
  img.style.width = img.style.height = `${size}px`;
  img.addEventListener('error', () => img.replaceWith(letter()));
  return img;
}

// A row of faces (the first few, then "+n").
export function faces(people: UserSummary[], max = 4, size = 24): HTMLElement {
  const shown = people.slice(0, max).map((p) => personAvatar(p, size, nameOf(p)));
  const rest = people.length - shown.length;
  return h('span', { class: 'faces' }, ...shown, rest > 0 ? h('span', { class: 'faces-more' }, `+${rest}`) : null);
}

let everyone: Promise<UserSummary[] | null> | null = null;
let askedAt = 0;

// Every user the server lets a signed-in user choose from (GET /api/users, Immich's shape); null when the
// server does not list users. Kept for 30 s: the pickers of one visit share it, an account made since shows.
export function listUsers(): Promise<UserSummary[] | null> {
  if (Date.now() - askedAt > 30_000) everyone = null;
  if (!everyone) askedAt = Date.now();
  everyone ??= get<UserSummary[]>('/api/users')
    .then((users) => {
      remember(...users);
      return users;
    })
    .catch((e) => {
      everyone = null;
      if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return null;
      throw e;
    });
  return everyone;
}

export interface Picker {
  element: HTMLElement;
  chosen: () => string[];
}

// Checkable people, filtered as one types; `exclude` are left out (oneself, those already in).
export function userPicker(label: string, exclude: Set<string>): Picker {
  const picked = new Set<string>();
  const filter = h('input', { type: 'search', placeholder: 'Filter by name', 'aria-label': `Filter ${label.toLowerCase()}`, autocomplete: 'off' });
  const list = h('div', { class: 'people-choices', role: 'group', 'aria-label': label }, h('p', { class: 'muted' }, 'Loading…'));
  const element = h('div', { class: 'people-picker' }, h('span', { class: 'picker-label' }, label), filter, list);
  const rows: { text: string; el: HTMLElement }[] = [];
  void listUsers().then(
    (users) => {
      list.replaceChildren();
      if (users === null) {
        list.appendChild(h('p', { class: 'muted' }, 'This server does not list its users.'));
        return;
      }
      const choices = users.filter((u) => !exclude.has(u.id));
      if (!choices.length) list.appendChild(h('p', { class: 'muted' }, 'Nobody else to add.'));
      for (const u of choices) {
        const box = h('input', { type: 'checkbox', value: u.id });
        box.addEventListener('change', () => (box.checked ? picked.add(u.id) : picked.delete(u.id)));
        const el = h('label', { class: 'person-choice' }, box, personAvatar(u, 24), h('span', {}, nameOf(u)), h('span', { class: 'muted' }, `@${u.username}`));
        rows.push({ text: `${u.displayName} ${u.username}`.toLowerCase(), el });
        list.appendChild(el);
      }
    },
    (e) => list.replaceChildren(h('p', { class: 'form-error' }, e instanceof Error ? e.message : String(e))),
  );
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    rows.forEach((r) => (r.el.hidden = !!q && !r.text.includes(q)));
  });
  return { element, chosen: () => Array.from(picked) };
}

// A person with their face and name, for lists.
export function personLine(p: UserSummary, ...extra: (Node | string | null)[]): HTMLElement {
  return h('div', { class: 'person' }, personAvatar(p, 32), h('div', { class: 'person-name' }, h('strong', {}, nameOf(p)), h('span', { class: 'muted' }, `@${p.username}`)), ...extra);
}
