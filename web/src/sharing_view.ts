// /sharing: partners (DESIGN.md section 7). The people I share my whole library with (read-only; either side
// may end it), the people who share theirs with me (I choose whether their photos join my timeline), and the
// way to the groups page.
import { del, get, post, put } from './api';
import { openDialog } from './dialog';
import { h, icon, toast } from './dom';
import { nameOf, personLine, remember, userPicker } from './people';
import { errorText } from './selection';
import { cleanup, pageLink, root, shell } from './shell';
import type { Group, Partner, User } from './types';

function addPartnerDialog(me: User, already: Partner[], added: () => void): void {
  const picker = userPicker('People', new Set([me.id, ...already.map((p) => p.id)]));
  openDialog('Share my library', [h('p', { class: 'muted' }, 'They will see all your photos and videos except the archived ones, read-only. They cannot change or delete anything.'), picker.element], {
    submit: 'Share',
    wide: true,
    onSubmit: async () => {
      const ids = picker.chosen();
      if (!ids.length) throw new Error('Choose someone to share with.');
      for (const id of ids) await post<Partner>(`/api/partners/${encodeURIComponent(id)}`);
      toast(ids.length === 1 ? 'Library shared' : `Library shared with ${ids.length} people`);
      added();
    },
  });
}

function sharedByRow(p: Partner, changed: () => void): HTMLElement {
  return h(
    'li',
    { class: 'partner-row', 'data-partner': p.username },
    personLine(
      p,
      h('button', {
        type: 'button',
        class: 'chip danger',
        'aria-label': `Stop sharing with ${nameOf(p)}`,
        onclick: async () => {
          if (!window.confirm(`Stop sharing your library with ${nameOf(p)}?`)) return;
          try {
            await del(`/api/partners/${encodeURIComponent(p.id)}?direction=shared-by`);
            toast(`No longer shared with ${nameOf(p)}`);
            changed();
          } catch (e) {
            toast(errorText(e, 'Could not stop sharing'), 'error');
          }
        },
      }, icon('close'), h('span', {}, 'Stop sharing')),
    ),
  );
}

function sharedWithRow(p: Partner, changed: () => void): HTMLElement {
  const toggle = h('input', { type: 'checkbox', role: 'switch', checked: p.inTimeline, 'aria-label': `Show ${nameOf(p)}’s photos in my timeline` });
  toggle.addEventListener('change', async () => {
    const want = toggle.checked;
    toggle.disabled = true;
    try {
      const updated = await put<Partner>(`/api/partners/${encodeURIComponent(p.id)}`, { inTimeline: want });
      p.inTimeline = updated?.inTimeline ?? want;
      toggle.checked = p.inTimeline;
      toast(p.inTimeline ? `${nameOf(p)}’s photos are in your timeline` : `${nameOf(p)}’s photos left your timeline`);
    } catch (e) {
      toggle.checked = !want;
      toast(errorText(e, 'Could not change the timeline'), 'error');
    } finally {
      toggle.disabled = false;
    }
  });
  return h(
    'li',
    { class: 'partner-row', 'data-partner': p.username },
    personLine(
      p,
      h('label', { class: 'switch-field' }, toggle, h('span', {}, 'In my timeline')),
      h('button', {
        type: 'button',
        class: 'chip',
        'aria-label': `Remove ${nameOf(p)}’s library`,
        onclick: async () => {
          if (!window.confirm(`Stop seeing ${nameOf(p)}’s library? They can share it again later.`)) return;
          try {
            await del(`/api/partners/${encodeURIComponent(p.id)}?direction=shared-with`);
            toast(`${nameOf(p)}’s library removed`);
            changed();
          } catch (e) {
            toast(errorText(e, 'Could not remove the partner'), 'error');
          }
        },
      }, icon('close'), h('span', {}, 'Remove')),
    ),
  );
}

export async function sharingPage(user: User): Promise<void> {
  const byMe = h('ul', { class: 'partner-list', 'aria-label': 'People I share with' });
  const withMe = h('ul', { class: 'partner-list', 'aria-label': 'People who share with me' });
  const groupsNote = h('p', { class: 'muted' }, 'Groups are named sets of people: share an album with a group and everyone in it, now or later, sees it.');
  let mine: Partner[] = [];
  const addButton = h('button', { type: 'button', class: 'primary', onclick: () => addPartnerDialog(user, mine, () => void load()) }, icon('plus'), 'Add partner');
  const main = h(
    'main',
    { class: 'page sharing-page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Sharing'), h('div', { class: 'spacer' }), addButton),
    h(
      'div',
      { class: 'cards' },
      h('section', { class: 'card', 'aria-labelledby': 'shared-by-title' }, h('h2', { id: 'shared-by-title' }, 'I share my library with'), byMe),
      h('section', { class: 'card', 'aria-labelledby': 'shared-with-title' }, h('h2', { id: 'shared-with-title' }, 'Shared with me'), withMe),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'groups-title' },
        h('h2', { id: 'groups-title' }, 'Groups'),
        groupsNote,
        pageLink('/sharing/groups', { class: 'chip groups-link' }, icon('user'), 'Manage groups'),
      ),
    ),
  );
  cleanup();
  root.append(shell(user, main));

  async function load(): Promise<void> {
    try {
      const [a, b] = await Promise.all([get<Partner[]>('/api/partners?direction=shared-by'), get<Partner[]>('/api/partners?direction=shared-with')]);
      mine = a;
      remember(...a, ...b);
      byMe.replaceChildren(...a.map((p) => sharedByRow(p, () => void load())));
      if (!a.length) byMe.appendChild(h('li', { class: 'muted' }, 'Nobody yet. “Add partner” shares your library, read-only.'));
      withMe.replaceChildren(...b.map((p) => sharedWithRow(p, () => void load())));
      if (!b.length) withMe.appendChild(h('li', { class: 'muted' }, 'Nobody shares their library with you.'));
    } catch (e) {
      byMe.replaceChildren(h('li', { class: 'form-error' }, errorText(e, 'Could not load partners')));
    }
  }
  get<Group[]>('/api/groups')
    .then((groups) => (groupsNote.textContent = groups.length ? `You have ${groups.length} group${groups.length === 1 ? '' : 's'}: ${groups.map((g) => g.name).join(', ')}.` : groupsNote.textContent))
    .catch(() => undefined);
  await load();
}
