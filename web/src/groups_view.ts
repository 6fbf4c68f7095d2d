// /sharing/groups: my groups (DESIGN.md section 7, beyond Immich): named sets of people. An album shared with a
// group reaches everyone in it now and later; taking someone out of the group takes their access at once.
import { del, get, patch, post, put } from './api';
import { field, openDialog } from './dialog';
import { h, icon, toast } from './dom';
import { nameOf, personAvatar, remember, userPicker } from './people';
import { errorText } from './selection';
import { cleanup, pageLink, root, shell } from './shell';
import type { Group, User, UserSummary } from './types';

// The group with its members (the list may carry only counts).
async function withMembers(g: Group): Promise<Group> {
  if (g.members) return g;
  return get<Group>(`/api/groups/${encodeURIComponent(g.id)}`);
}

// PUT .../members sets who is in the group: adding and removing both send the whole new set.
async function setMembers(g: Group, userIds: string[]): Promise<void> {
  await put(`/api/groups/${encodeURIComponent(g.id)}/members`, { userIds });
}

function newGroupDialog(me: User, created: () => void): void {
  const name = h('input', { name: 'groupName', required: true, maxlength: 200, placeholder: 'Family' });
  const picker = userPicker('Members', new Set([me.id]));
  openDialog('New group', [field('Name', name), picker.element], {
    submit: 'Create group',
    wide: true,
    onSubmit: async () => {
      const groupName = name.value.trim();
      if (!groupName) throw new Error('Give the group a name.');
      const group = await post<Group>('/api/groups', { name: groupName });
      const ids = picker.chosen();
      if (ids.length) await setMembers(group, ids);
      toast(`Group “${groupName}” created`);
      created();
    },
  });
  name.focus();
}

function addMembersDialog(me: User, g: Group, members: UserSummary[], changed: () => void): void {
  const picker = userPicker('People', new Set([me.id, ...members.map((m) => m.id)]));
  openDialog(`Add to “${g.name}”`, [picker.element], {
    submit: 'Add',
    wide: true,
    onSubmit: async () => {
      const ids = picker.chosen();
      if (!ids.length) return;
      await setMembers(g, [...members.map((m) => m.id), ...ids]);
      toast(`${ids.length} added to ${g.name}`);
      changed();
    },
  });
}

function renameDialog(g: Group, changed: () => void): void {
  const name = h('input', { name: 'groupName', required: true, maxlength: 200, value: g.name });
  openDialog('Rename group', [field('Name', name)], {
    submit: 'Save',
    onSubmit: async () => {
      await patch<Group>(`/api/groups/${encodeURIComponent(g.id)}`, { name: name.value.trim() });
      changed();
    },
  });
}

function groupCard(me: User, g: Group, changed: () => void): HTMLElement {
  const members = g.members ?? [];
  // A group someone else made (one I am in) is shown, not managed.
  const mine = g.myRole ? g.myRole === 'owner' : !g.ownerId || g.ownerId === me.id;
  remember(...members);
  const memberList = h(
    'ul',
    { class: 'member-list', 'aria-label': `Members of ${g.name}` },
    ...members.map((m) =>
      h(
        'li',
        { class: 'member-chip', 'data-member': m.username },
        personAvatar(m, 22),
        h('span', {}, nameOf(m)),
        mine && h('button', {
          type: 'button',
          class: 'icon-button small',
          'aria-label': `Remove ${nameOf(m)} from ${g.name}`,
          title: 'Remove from the group',
          onclick: async () => {
            try {
              await setMembers(g, members.filter((x) => x.id !== m.id).map((x) => x.id));
              toast(`${nameOf(m)} removed from ${g.name}`);
              changed();
            } catch (e) {
              toast(errorText(e, 'Could not remove the member'), 'error');
            }
          },
        }, icon('close')),
      ),
    ),
  );
  if (!members.length) memberList.appendChild(h('li', { class: 'muted' }, 'Nobody in this group yet.'));
  return h(
    'section',
    { class: 'card group-card', 'data-group': g.name, 'aria-label': `Group ${g.name}` },
    h('h2', {}, g.name),
    memberList,
    mine && h(
      'div',
      { class: 'row-actions' },
      h('button', { type: 'button', class: 'chip', onclick: () => addMembersDialog(me, g, members, changed) }, icon('plus'), `Add people to ${g.name}`),
      h('button', { type: 'button', class: 'chip', onclick: () => renameDialog(g, changed) }, icon('edit'), 'Rename'),
      h('button', {
        type: 'button',
        class: 'chip danger',
        'aria-label': `Delete group ${g.name}`,
        onclick: async () => {
          if (!window.confirm(`Delete the group “${g.name}”? Albums shared with it stop being shared with its members.`)) return;
          try {
            await del(`/api/groups/${encodeURIComponent(g.id)}`);
            toast('Group deleted');
            changed();
          } catch (e) {
            toast(errorText(e, 'Could not delete the group'), 'error');
          }
        },
      }, icon('trash'), 'Delete'),
    ),
  );
}

export async function groupsPage(user: User): Promise<void> {
  const cards = h('div', { class: 'cards', 'aria-label': 'Groups' });
  const main = h(
    'main',
    { class: 'page groups-page' },
    h(
      'div',
      { class: 'page-head' },
      pageLink('/sharing', { class: 'icon-button', 'aria-label': 'Back to Sharing', title: 'Back to Sharing' }, icon('back')),
      h('h1', {}, 'Groups'),
      h('div', { class: 'spacer' }),
      h('button', { type: 'button', class: 'primary', onclick: () => newGroupDialog(user, () => void load()) }, icon('plus'), 'New group'),
    ),
    cards,
  );
  cleanup();
  root.append(shell(user, main));
  async function load(): Promise<void> {
    try {
      const groups = await Promise.all((await get<Group[]>('/api/groups')).map(withMembers));
      cards.replaceChildren(...groups.map((g) => groupCard(user, g, () => void load())));
      if (!groups.length) cards.appendChild(h('div', { class: 'empty' }, icon('user'), h('h2', {}, 'No groups yet'), h('p', {}, 'Make one for the family, then share albums with it.')));
    } catch (e) {
      cards.replaceChildren(h('p', { class: 'form-error' }, errorText(e, 'Could not load groups')));
    }
  }
  await load();
}
