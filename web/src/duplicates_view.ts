// The Duplicates page (issue 22): the caller's near-duplicate photos, one group at a time side by side with what
// tells copies apart — resolution, file size, date, name. Each photo is marked Keep or Trash (the largest picture is
// kept by default); "Resolve" trashes the marked ones through the ordinary trash (restorable there), "Not
// duplicates" dismisses the group for good.
import './duplicates.css';
import { ApiError, del, get, post } from './api';
import { clear, formatBytes, h, icon, toast } from './dom';
import { formatTaken } from './info_panel';
import { cleanup, root, shell } from './shell';
import type { Asset, User } from './types';

interface DuplicateGroup {
  duplicateId: string;
  assets: Asset[];
}

// The one to keep by default: most pixels, then largest file, then oldest.
function best(assets: Asset[]): string {
  const pixels = (a: Asset) => (a.width ?? 0) * (a.height ?? 0);
  return [...assets].sort((a, b) => pixels(b) - pixels(a) || b.sizeBytes - a.sizeBytes || a.takenAt.localeCompare(b.takenAt))[0].id;
}

function member(asset: Asset, choice: Map<string, 'keep' | 'trash'>): HTMLElement {
  const el = h('div', { class: 'member', 'data-asset-id': asset.id, 'data-choice': choice.get(asset.id) ?? 'keep' });
  const keep = h('input', { type: 'radio', name: `choice-${asset.id}`, value: 'keep', 'aria-label': `Keep ${asset.originalFileName}` });
  const trash = h('input', { type: 'radio', name: `choice-${asset.id}`, value: 'trash', 'aria-label': `Trash ${asset.originalFileName}` });
  keep.checked = choice.get(asset.id) === 'keep';
  trash.checked = !keep.checked;
  const set = (value: 'keep' | 'trash') => {
    choice.set(asset.id, value);
    el.setAttribute('data-choice', value);
  };
  keep.addEventListener('change', () => set('keep'));
  trash.addEventListener('change', () => set('trash'));
  el.append(
    h('img', { src: asset.previewUrl || asset.thumbnailUrl, alt: asset.originalFileName, loading: 'lazy' }),
    h(
      'dl',
      {},
      h('dt', {}, 'Resolution'),
      h('dd', { class: 'resolution' }, asset.width && asset.height ? `${asset.width} × ${asset.height}` : '—'),
      h('dt', {}, 'Size'),
      h('dd', { class: 'size' }, formatBytes(asset.sizeBytes)),
      h('dt', {}, 'Taken'),
      h('dd', { class: 'taken' }, formatTaken(asset.takenAt)),
      h('dt', {}, 'File'),
      h('dd', { class: 'file' }, asset.originalFileName),
    ),
    h('div', { class: 'chips' }, h('label', { class: 'chip' }, keep, 'Keep'), h('label', { class: 'chip' }, trash, 'Trash')),
  );
  return el;
}

function groupCard(group: DuplicateGroup, done: () => void): HTMLElement {
  const keepId = best(group.assets);
  const choice = new Map<string, 'keep' | 'trash'>(group.assets.map((a) => [a.id, a.id === keepId ? 'keep' : 'trash']));
  const resolve = h('button', { type: 'button', class: 'primary' }, icon('trash'), 'Resolve');
  const dismiss = h('button', { type: 'button' }, 'Not duplicates');
  const card = h(
    'section',
    { class: 'group', 'data-duplicate-id': group.duplicateId, 'aria-label': `${group.assets.length} similar photos` },
    h('div', { class: 'group-head' }, h('h2', {}, `${group.assets.length} similar photos`), h('div', { class: 'spacer' }), dismiss, resolve),
    h('div', { class: 'members' }, ...group.assets.map((a) => member(a, choice))),
  );
  resolve.addEventListener('click', async () => {
    const keepAssetIds = group.assets.filter((a) => choice.get(a.id) === 'keep').map((a) => a.id);
    const trashAssetIds = group.assets.filter((a) => choice.get(a.id) === 'trash').map((a) => a.id);
    if (!keepAssetIds.length && !window.confirm('Trash every photo of this group?')) return;
    resolve.disabled = dismiss.disabled = true;
    try {
      const [outcome] = await post<{ id: string; success: boolean; error?: string }[]>('/api/duplicates/resolve', {
        groups: [{ duplicateId: group.duplicateId, keepAssetIds, trashAssetIds }],
      });
      if (!outcome?.success) throw new ApiError(409, outcome?.error ?? 'error', 'This group changed: reload the page');
      toast(trashAssetIds.length ? `Moved ${trashAssetIds.length} to the trash` : 'Resolved');
      card.remove();
      done();
    } catch (err) {
      toast(err instanceof ApiError ? err.message : 'Could not resolve', 'error');
      resolve.disabled = dismiss.disabled = false;
    }
  });
  dismiss.addEventListener('click', async () => {
    resolve.disabled = dismiss.disabled = true;
    try {
      await del(`/api/duplicates/${encodeURIComponent(group.duplicateId)}`);
      toast('Kept all: they will not be shown again');
      card.remove();
      done();
    } catch (err) {
      toast(err instanceof ApiError ? err.message : 'Could not dismiss', 'error');
      resolve.disabled = dismiss.disabled = false;
    }
  });
  return card;
}

export async function duplicatesPage(user: User): Promise<void> {
  const list = h('div', { class: 'groups', 'aria-busy': 'true' });
  const main = h('main', { class: 'duplicates' }, h('div', { class: 'page-head' }, h('h1', {}, 'Duplicates')), list);
  cleanup();
  root.append(shell(user, main));
  const empty = () =>
    h('div', { class: 'empty' }, icon('photo'), h('h2', {}, 'No duplicates'), h('p', {}, 'Photos that look the same (resized or re-saved copies) show up here.'));
  try {
    const groups = await get<DuplicateGroup[]>('/api/duplicates');
    clear(list);
    const checkEmpty = () => {
      if (!list.querySelector('.group')) list.append(empty());
    };
    for (const group of groups) list.append(groupCard(group, checkEmpty));
    checkEmpty();
  } catch (err) {
    clear(list);
    list.append(h('p', {}, err instanceof ApiError ? err.message : 'Could not load duplicates'));
  } finally {
    list.setAttribute('aria-busy', 'false');
  }
}
