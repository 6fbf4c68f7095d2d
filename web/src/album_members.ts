// The album's "Members" dialog (DESIGN.md section 7), for its owner: who has access and with which role, a role
// changed or a member removed at once, and people and groups added as viewers or editors. Viewers see and
// download; editors also add their own photos and remove the ones they added.
import { call, del, get, patch, put } from './api';
import { openDialog } from './dialog';
import { h, icon, toast } from './dom';
import { nameOf, personLine, remember, userPicker } from './people';
import { errorText } from './selection';
import type { Album, AlbumRole, Group, User } from './types';

const ROLES: [AlbumRole, string][] = [
  ['viewer', 'Viewer (sees and downloads)'],
  ['editor', 'Editor (also adds photos)'],
];

function roleSelect(label: string, value: AlbumRole, onChange?: (role: AlbumRole) => void): HTMLSelectElement {
  const select = h('select', { 'aria-label': label, class: 'role-select' }, ...ROLES.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  if (onChange) select.addEventListener('change', () => onChange(select.value as AlbumRole));
  return select;
}

export function membersDialog(me: User, start: Album, changed: (album: Album) => void): void {
  let album = start;
  const base = `/api/albums/${encodeURIComponent(album.id)}`;
  const list = h('ul', { class: 'member-rows', 'aria-label': 'People with access' });
  const refresh = async () => {
    album = await get<Album>(`${base}?withoutAssets=true`);
    render();
    changed(album);
  };
  // One change at once, then the list as the server now has it.
  const apply = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      toast(done);
    } catch (e) {
      toast(errorText(e, 'The change was refused'), 'error');
    }
    await refresh().catch(() => undefined);
  };
  const render = () => {
    remember(album.owner, ...(album.albumUsers ?? []).map((m) => m.user));
    const rows: HTMLElement[] = [];
    if (album.owner) rows.push(h('li', { class: 'member-row' }, personLine(album.owner, h('span', { class: 'pill' }, 'Owner'))));
    for (const { user, role } of album.albumUsers ?? []) {
      const who = nameOf(user);
      rows.push(
        h(
          'li',
          { class: 'member-row', 'data-member': user.username },
          personLine(
            user,
            roleSelect(`Role of ${who}`, role, (r) => void apply(() => patch(`${base}/user/${encodeURIComponent(user.id)}`, { role: r }), `${who} is now ${r === 'editor' ? 'an editor' : 'a viewer'}`)),
            h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${who}`, title: 'Remove from the album', onclick: () => void apply(() => del(`${base}/user/${encodeURIComponent(user.id)}`), `${who} removed`) }, icon('close')),
          ),
        ),
      );
    }
    // PUT .../groups sets exactly the album's groups: a role change or a removal sends the whole new list.
    const groupsNow = () => (album.albumGroups ?? []).map((g) => ({ groupId: g.group.id, role: g.role }));
    const setGroups = (list: { groupId: string; role: AlbumRole }[]) => put(`${base}/groups`, { albumGroups: list });
    for (const { group, role } of album.albumGroups ?? []) {
      const what = `group ${group.name}`;
      rows.push(
        h(
          'li',
          { class: 'member-row', 'data-group': group.name },
          h(
            'div',
            { class: 'person' },
            h('span', { class: 'avatar avatar-letter group-avatar', 'aria-hidden': 'true' }, icon('user')),
            h('div', { class: 'person-name' }, h('strong', {}, group.name), h('span', { class: 'muted' }, group.members ? `group · ${group.members.length} people` : 'group')),
            roleSelect(`Role of ${what}`, role, (r) => void apply(() => setGroups(groupsNow().map((g) => (g.groupId === group.id ? { ...g, role: r } : g))), `${group.name} is now ${r === 'editor' ? 'an editor' : 'a viewer'}`)),
            h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${what}`, title: 'Remove from the album', onclick: () => void apply(() => setGroups(groupsNow().filter((g) => g.groupId !== group.id)), `${group.name} removed`) }, icon('close')),
          ),
        ),
      );
    }
    if (rows.length <= 1) rows.push(h('li', { class: 'muted' }, 'Only you. Add people or groups below.'));
    list.replaceChildren(...rows);
  };
  render();

  const present = new Set([me.id, ...(album.albumUsers ?? []).map((m) => m.user.id)]);
  const picker = userPicker('People', present);
  const groupChoices = h('div', { class: 'people-choices', role: 'group', 'aria-label': 'Groups' });
  const pickedGroups = new Set<string>();
  get<Group[]>('/api/groups')
    .then((groups) => {
      const there = new Set((album.albumGroups ?? []).map((g) => g.group.id));
      const choices = groups.filter((g) => !there.has(g.id));
      groupChoices.replaceChildren(...choices.map((g) => {
        const box = h('input', { type: 'checkbox', value: g.id });
        box.addEventListener('change', () => (box.checked ? pickedGroups.add(g.id) : pickedGroups.delete(g.id)));
        return h('label', { class: 'person-choice' }, box, h('span', {}, `Group ${g.name}`));
      }));
      if (!choices.length) groupChoices.appendChild(h('p', { class: 'muted' }, groups.length ? 'Every group is in already.' : 'No groups (make them on the Sharing page).'));
    })
    .catch(() => groupChoices.replaceChildren(h('p', { class: 'muted' }, 'Groups could not be loaded.')));
  const newRole = roleSelect('Role for the people and groups added', 'viewer');

  openDialog(`Members of “${album.albumName}”`, [
    list,
    h('h3', { class: 'dialog-subtitle' }, 'Add'),
    picker.element,
    h('div', { class: 'people-picker' }, h('span', { class: 'picker-label' }, 'Groups'), groupChoices),
    h('label', { class: 'field' }, h('span', {}, 'Role'), newRole),
  ], {
    submit: 'Add',
    cancel: 'Done',
    wide: true,
    onSubmit: async () => {
      const users = picker.chosen();
      const groups = Array.from(pickedGroups);
      if (!users.length && !groups.length) throw new Error('Choose people or groups to add.');
      const role = newRole.value as AlbumRole;
      if (users.length) await call(`${base}/users`, { method: 'PUT', body: { albumUsers: users.map((userId) => ({ userId, role })) } });
      // The groups already there stay, with their roles (the PUT sets the whole list).
      const kept = (album.albumGroups ?? []).map((g) => ({ groupId: g.group.id, role: g.role }));
      if (groups.length) await put(`${base}/groups`, { albumGroups: [...kept, ...groups.map((groupId) => ({ groupId, role }))] });
      toast(`Shared with ${users.length + groups.length} more`);
      await refresh();
      return true;
    },
  });
}
