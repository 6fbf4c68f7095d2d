// /account: profile (display name, e-mail, bio), avatar, password, API keys (the secret shown once, with a
// copy button), and usage bars (storage against the quota, bandwidth this month).
import { ApiError, call, del, get, patch, post } from './api';
import { copyText, field, openDialog } from './dialog';
import { formatBytes, h, icon, toast } from './dom';
import { errorText } from './selection';
import { mfaSection } from './mfa_view';
import { updateUser } from './session';
import { avatarOf, cleanup, root, shell } from './shell';
import type { ApiKey, Usage, User } from './types';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function section(title: string, ...children: (Node | string | null)[]): HTMLElement {
  return h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), ...children);
}

// A bar of `used` against `limit`; without a limit there is no fraction to draw, only the amount.
export function usageBar(label: string, used: number, limit: number | null | undefined, note = ''): HTMLElement {
  const bar = limit ? h('progress', { max: limit, value: Math.min(used, limit), 'aria-label': label }) : null;
  if (bar && used / limit! >= 0.9) bar.classList.add('nearly-full');
  const text = limit ? `${formatBytes(used)} of ${formatBytes(limit)} (${Math.round((used / limit) * 100)} %)` : `${formatBytes(used)}${note}`;
  return h('div', { class: 'usage', 'data-usage': label }, h('div', { class: 'usage-label' }, h('span', {}, label), h('span', { class: 'muted' }, text)), bar);
}

function profileSection(user: User, changed: (u: User) => void): HTMLElement {
  const displayName = h('input', { name: 'displayName', value: user.displayName ?? '', maxlength: 100, autocomplete: 'name' });
  const email = h('input', { name: 'email', type: 'email', value: user.email ?? '', autocomplete: 'email' });
  const bio = h('textarea', { name: 'bio', rows: 3, maxlength: 2000 });
  bio.value = user.bio ?? '';
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'edit-form' }, field('Display name', displayName), field('E-mail', email), field('Bio', bio), error, h('button', { type: 'submit', class: 'primary' }, 'Save profile'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      changed(await patch<User>('/api/users/me', { displayName: displayName.value.trim(), email: email.value.trim(), bio: bio.value }));
      toast('Profile saved');
    } catch (err) {
      error.textContent = errorText(err, 'Could not save');
    }
  });
  return section('Profile', h('p', { class: 'muted' }, `Signed in as ${user.username}${user.isAdmin ? ' (administrator)' : ''}`), form);
}

function avatarSection(user: User, changed: (u: User) => void): HTMLElement {
  const preview = h('div', { class: 'avatar-large' }, avatarOf(user, 96));
  const input = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', id: 'avatar-input', class: 'visually-hidden', tabindex: -1 });
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const res = await fetch('/api/users/me/avatar', { method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': file.type || 'application/octet-stream' }, body: file });
    if (!res.ok) {
      toast('The avatar was refused: ' + (await res.text()).slice(0, 200), 'error');
      return;
    }
    changed(await get<User>('/api/users/me')); // its avatarUrl names the new picture's version
    toast('Avatar updated');
  });
  return section('Avatar', h('div', { class: 'avatar-row' }, preview, input, h('button', { type: 'button', class: 'secondary', onclick: () => input.click() }, icon('upload'), 'Choose a picture')));
}

function passwordSection(): HTMLElement {
  const current = h('input', { type: 'password', name: 'currentPassword', required: true, autocomplete: 'current-password' });
  const next = h('input', { type: 'password', name: 'newPassword', required: true, minlength: 8, autocomplete: 'new-password' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'edit-form' }, field('Current password', current), field('New password', next, 'At least 8 characters. Every other session of this account ends.'), error, h('button', { type: 'submit', class: 'primary' }, 'Change password'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      await call<void>('/api/users/me/password', { method: 'PUT', body: { currentPassword: current.value, newPassword: next.value }, retryOn401: false });
      toast('Password changed; please sign in again with it', 'info', 8000);
      location.assign('/');
    } catch (err) {
      error.textContent = err instanceof ApiError && err.code === 'wrong_password' ? 'The current password is not right.' : errorText(err, 'Could not change the password');
    }
  });
  return section('Password', form);
}

function apiKeysSection(): HTMLElement {
  const list = h('ul', { class: 'key-list', 'aria-label': 'API keys' });
  const show = (keys: ApiKey[]) => {
    list.replaceChildren(
      ...keys.map((k) =>
        h('li', { class: 'key-row' }, icon('key'), h('span', { class: 'key-name' }, k.name), h('span', { class: 'muted' }, `created ${new Date(k.createdAt).toLocaleDateString()}`), h('div', { class: 'spacer' }),
          h('button', {
            type: 'button',
            class: 'chip danger',
            'aria-label': `Revoke ${k.name}`,
            onclick: async () => {
              if (!window.confirm(`Revoke the key “${k.name}”? Programs using it stop working at once.`)) return;
              await del(`/api/api-keys/${k.id}`);
              toast('Key revoked');
              show(keys.filter((x) => x.id !== k.id));
            },
          }, icon('trash'), 'Revoke'),
        ),
      ),
    );
    if (!keys.length) list.appendChild(h('li', { class: 'muted' }, 'No API keys.'));
  };
  const reload = async () => show(await get<ApiKey[]>('/api/api-keys'));
  const create = () => {
    const name = h('input', { name: 'name', maxlength: 100, placeholder: 'API Key' });
    openDialog('New API key', [field('Name', name, 'For example the program or machine that will use it.')], {
      submit: 'Create key',
      onSubmit: async () => {
        const { secret } = await post<{ secret: string; apiKey: ApiKey }>('/api/api-keys', name.value.trim() ? { name: name.value.trim() } : {});
        void reload();
        const out = h('input', { readonly: true, value: secret, class: 'link-url secret', 'aria-label': 'Secret' });
        const copy = h('button', { type: 'button', class: 'secondary' }, icon('copy'), 'Copy');
        copy.addEventListener('click', async () => toast((await copyText(secret, out)) ? 'Secret copied' : 'Press Ctrl+C to copy'));
        openDialog('Your new API key', [h('p', {}, 'Copy it now: it is shown only this once. Send it as the x-api-key header.'), h('div', { class: 'copy-row' }, out, copy)], { wide: true });
        out.select();
      },
    });
    name.focus();
  };
  void reload();
  return section('API keys', list, h('button', { type: 'button', class: 'secondary', onclick: create }, icon('plus'), 'New API key'));
}

function usageSection(): HTMLElement {
  const body = h('div', { class: 'usage-list' }, h('p', { class: 'muted' }, 'Loading…'));
  get<Usage>('/api/users/me/usage')
    .then((u) => {
      const stored = u.bytesOriginals + u.bytesDerived;
      body.replaceChildren(
        usageBar('Storage', stored, u.quotaBytes, ' (no quota)'),
        usageBar('Bandwidth this month', u.bandwidthBytesThisMonth, null, ' served'),
        h('p', { class: 'muted' }, `${plural(u.assets, 'item')}: ${plural(u.images, 'photo')}, ${plural(u.videos, 'video')} · originals ${formatBytes(u.bytesOriginals)}, previews ${formatBytes(u.bytesDerived)}`),
      );
    })
    .catch(() => body.replaceChildren(h('p', { class: 'muted' }, 'Usage is not available.')));
  return section('Usage', body);
}

export async function accountPage(user: User): Promise<void> {
  const render = (u: User) => {
    updateUser(u);
    const main = h(
      'main',
      { class: 'page account-page' },
      h('div', { class: 'page-head' }, h('h1', {}, 'Account')),
      h('div', { class: 'cards' }, usageSection(), profileSection(u, render), avatarSection(u, render), passwordSection(), mfaSection(), apiKeysSection()),
    );
    cleanup();
    root.append(shell(u, main));
  };
  let me = user;
  try {
    me = await get<User>('/api/users/me');
  } catch {
    /* the session's copy will do */
  }
  render(me);
}
