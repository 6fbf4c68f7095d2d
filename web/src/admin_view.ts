// /admin/users and /admin/jobs, for administrators only (the server refuses everyone else with 403 anyway):
// users with their usage (create, quota, admin, disable, delete — the server protects the last admin), and
// failed jobs with their reasons and a retry button.
import { del, get, patch, post } from './api';
import { usageBar } from './account_view';
import { field, openDialog } from './dialog';
import { formatBytes, h, icon, toast } from './dom';
import { errorText } from './selection';
import { cleanup, pageLink } from './shell';
import type { Job, User } from './types';
import { showWithUpload } from './upload';

function adminTabs(): HTMLElement {
  const tab = (path: string, label: string) =>
    pageLink(path, { class: 'nav-link', ...(location.pathname === path || (path === '/admin/users' && location.pathname === '/admin') ? { 'aria-current': 'page' } : {}) }, label);
  return h('nav', { class: 'tabs', 'aria-label': 'Administration' }, tab('/admin/users', 'Users'), tab('/admin/jobs', 'Failed jobs'));
}

const GB = 1024 ** 3;

// "10" → 10 GiB in bytes; "" → null (unlimited).
function quotaFrom(text: string): number | null {
  const t = text.trim();
  if (!t) return null;
  const n = Number(t);
  if (!isFinite(n) || n < 0) throw new Error('The quota is a number of GB, or empty for none.');
  return Math.round(n * GB);
}

function createUserDialog(created: () => void): void {
  const username = h('input', { name: 'username', required: true, minlength: 3, maxlength: 32, autocomplete: 'off' });
  const password = h('input', { name: 'password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const displayName = h('input', { name: 'displayName' });
  const email = h('input', { name: 'email', type: 'email' });
  const quota = h('input', { name: 'quota', inputmode: 'decimal', placeholder: 'unlimited' });
  const isAdmin = h('input', { type: 'checkbox', name: 'isAdmin' });
  openDialog('New user', [
    field('Username', username),
    field('Password', password),
    field('Display name (optional)', displayName),
    field('E-mail (optional)', email),
    field('Quota in GB (optional)', quota),
    h('label', { class: 'check-field' }, isAdmin, h('span', {}, 'Administrator')),
  ], {
    submit: 'Create user',
    onSubmit: async () => {
      const body: Record<string, unknown> = { username: username.value.trim(), password: password.value, isAdmin: isAdmin.checked };
      if (displayName.value.trim()) body.displayName = displayName.value.trim();
      if (email.value.trim()) body.email = email.value.trim();
      const q = quotaFrom(quota.value);
      if (q !== null) body.quotaBytes = q;
      await post<User>('/api/admin/users', body);
      toast(`User ${body.username} created`);
      created();
    },
  });
  username.focus();
}

function quotaDialog(u: User, saved: () => void): void {
  const quota = h('input', { name: 'quota', inputmode: 'decimal', placeholder: 'unlimited', value: u.quotaBytes ? String(+(u.quotaBytes / GB).toFixed(3)) : '' });
  openDialog(`Quota for ${u.username}`, [field('Quota in GB', quota, 'Empty for no limit.')], {
    submit: 'Save',
    onSubmit: async () => {
      await patch<User>(`/api/admin/users/${u.id}`, { quotaBytes: quotaFrom(quota.value) });
      saved();
    },
  });
  quota.focus();
}

function userRow(u: User, me: User, reload: () => void): HTMLElement {
  const act = (label: string, fn: () => Promise<unknown>, cls = 'chip') =>
    h('button', {
      type: 'button',
      class: cls,
      'aria-label': `${label} ${u.username}`,
      onclick: async () => {
        try {
          await fn();
          reload();
        } catch (e) {
          toast(errorText(e, 'That did not work'), 'error');
        }
      },
    }, label);
  const usage = u.usage;
  const stored = usage ? usage.bytesOriginals + usage.bytesDerived : 0;
  return h(
    'tr',
    { 'data-user': u.username, class: u.disabled ? 'disabled-user' : '' },
    h('td', {}, h('strong', {}, u.username), u.displayName ? h('div', { class: 'muted' }, u.displayName) : null, u.email ? h('div', { class: 'muted' }, u.email) : null),
    h('td', {}, u.isAdmin ? h('span', { class: 'pill' }, 'admin') : null, u.disabled ? h('span', { class: 'pill pill-danger' }, 'disabled') : null),
    h('td', { class: 'usage-cell' }, usageBar('Storage', stored, u.quotaBytes, ' (no quota)'), usage ? h('div', { class: 'muted' }, `${usage.assets} items · ${formatBytes(usage.bandwidthBytesThisMonth)} served this month`) : null),
    h(
      'td',
      {},
      h('div', { class: 'row-actions' },
      act('Quota', async () => quotaDialog(u, reload)),
      act(u.isAdmin ? 'Revoke admin' : 'Make admin', () => patch(`/api/admin/users/${u.id}`, { isAdmin: !u.isAdmin })),
      u.id === me.id ? null : act(u.disabled ? 'Enable' : 'Disable', () => patch(`/api/admin/users/${u.id}`, { disabled: !u.disabled })),
      u.id === me.id
        ? null
        : act('Delete', async () => {
            if (!window.confirm(`Delete ${u.username} and everything they uploaded? This cannot be undone.`)) return;
            await del(`/api/admin/users/${u.id}`);
            toast(`${u.username} deleted`);
          }, 'chip danger'),
      ),
    ),
  );
}

export async function adminUsersPage(me: User): Promise<void> {
  const body = h('tbody', {});
  const table = h(
    'table',
    { class: 'admin-table', 'aria-label': 'Users' },
    h('thead', {}, h('tr', {}, h('th', {}, 'User'), h('th', {}, 'Role'), h('th', {}, 'Usage'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Actions')))),
    body,
  );
  const reload = async () => {
    const users = await get<User[]>('/api/admin/users');
    body.replaceChildren(...users.map((u) => userRow(u, me, () => void reload())));
  };
  const main = h(
    'main',
    { class: 'page admin-page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Administration'), adminTabs(), h('div', { class: 'spacer' }), h('button', { type: 'button', class: 'primary', onclick: () => createUserDialog(() => void reload()) }, icon('plus'), 'New user')),
    h('div', { class: 'table-wrap' }, table),
  );
  cleanup();
  showWithUpload(me, main);
  await reload();
}

export async function adminJobsPage(me: User): Promise<void> {
  const list = h('tbody', {});
  const retryAll = h('button', { type: 'button', class: 'primary' }, icon('restore'), 'Retry all');
  const reload = async () => {
    const { items } = await get<{ items: (Job & { attempts?: number; updatedAt?: string })[] }>('/api/admin/jobs?state=failed&limit=200');
    retryAll.disabled = items.length === 0;
    list.replaceChildren(
      ...items.map((j) =>
        h('tr', { 'data-job': j.id },
          h('td', {}, h('strong', {}, j.kind), h('div', { class: 'muted' }, j.assetId ? `asset ${j.assetId}` : '—')),
          h('td', { class: 'job-error' }, j.error || 'no reason recorded'),
          h('td', { class: 'muted' }, j.attempts === 1 ? '1 attempt' : `${j.attempts ?? '?'} attempts`, j.updatedAt ? h('div', {}, new Date(j.updatedAt).toLocaleString()) : null),
          h('td', {}, h('button', {
            type: 'button',
            class: 'chip',
            'aria-label': `Retry ${j.kind} ${j.id}`,
            onclick: async () => {
              const { count } = await post<{ count: number }>('/api/admin/jobs/retry', { ids: [j.id] });
              toast(`${count} job queued again`);
              void reload();
            },
          }, icon('restore'), 'Retry')),
        ),
      ),
    );
    if (!items.length) list.appendChild(h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No failed jobs.')));
  };
  retryAll.addEventListener('click', async () => {
    const { count } = await post<{ count: number }>('/api/admin/jobs/retry', {});
    toast(`${count} job${count === 1 ? '' : 's'} queued again`);
    void reload();
  });
  const main = h(
    'main',
    { class: 'page admin-page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Administration'), adminTabs(), h('div', { class: 'spacer' }), retryAll),
    h('div', { class: 'table-wrap' }, h('table', { class: 'admin-table', 'aria-label': 'Failed jobs' }, h('thead', {}, h('tr', {}, h('th', {}, 'Job'), h('th', {}, 'Reason'), h('th', {}, 'Attempts'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Actions')))), list)),
  );
  cleanup();
  showWithUpload(me, main);
  await reload();
}
