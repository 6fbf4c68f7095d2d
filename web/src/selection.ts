// Which tiles are selected, and the bar of actions on them. Click a tile's check (or any tile once something
// is selected) to toggle it, shift-click to take the range from the last one clicked, a day's header to take
// the whole day. The bar's actions work on every selected asset and report one summary.
import { ApiError, call, patch } from './api';
import { h, icon, toast } from './dom';
import type { Asset } from './types';

export class Selection {
  readonly ids = new Set<string>();
  private anchor: string | null = null;
  private listeners = new Set<() => void>();

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  onChange(fn: () => void): void {
    this.listeners.add(fn);
  }

  private changed(): void {
    this.listeners.forEach((fn) => fn());
  }

  // A click on `id` within `order` (the grid's assets): with shift, everything between the anchor and it
  // takes the state the clicked one gets.
  toggle(id: string, order: Asset[], range: boolean): void {
    const on = !this.ids.has(id);
    if (range && this.anchor) {
      const a = order.findIndex((x) => x.id === this.anchor);
      const b = order.findIndex((x) => x.id === id);
      if (a >= 0 && b >= 0) {
        for (let i = Math.min(a, b); i <= Math.max(a, b); i++) {
          if (on) this.ids.add(order[i].id);
          else this.ids.delete(order[i].id);
        }
      }
    } else if (on) {
      this.ids.add(id);
    } else {
      this.ids.delete(id);
    }
    this.anchor = id;
    this.changed();
  }

  // Selects all of `ids`, or unselects them when all already are.
  toggleAll(ids: string[]): void {
    const all = ids.every((id) => this.ids.has(id));
    ids.forEach((id) => (all ? this.ids.delete(id) : this.ids.add(id)));
    this.changed();
  }

  clear(): void {
    if (!this.ids.size) return;
    this.ids.clear();
    this.anchor = null;
    this.changed();
  }
}

export interface SelectionActions {
  assets: () => Asset[]; // the grid's loaded assets
  addToAlbum: (ids: string[]) => void;
  share: (ids: string[]) => void;
  changed: (assets: Asset[]) => void; // favourite/archive answered with these updated assets
  removed: (ids: string[]) => void; // trashed (or archived out of a view that hides archived ones)
  archivedLeaves: boolean; // archiving takes assets out of this view
  extra?: HTMLElement[]; // page-specific buttons (remove from album)
  ownerActions?: boolean; // false in a shared album I do not own: only download and the page's own buttons
  download?: boolean; // false where the album's owner forbids downloads
}

// Every selected asset through `fn`, a few at a time; returns the ones that succeeded.
export async function forEachSelected<T>(ids: string[], fn: (id: string) => Promise<T>): Promise<{ done: T[]; failed: number }> {
  const done: T[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        done.push(await fn(id));
      } catch {
        failed++;
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return { done, failed };
}

// One original as a normal download; several as sequential downloads (browsers allow one at a time per click,
// so each waits a little for the previous to start).
export async function downloadOriginals(urls: { url: string; name: string }[]): Promise<void> {
  for (const [i, { url, name }] of urls.entries()) {
    const a = h('a', { href: url, download: name, class: 'visually-hidden' });
    document.body.appendChild(a);
    a.click();
    a.remove();
    if (i < urls.length - 1) await new Promise((r) => setTimeout(r, 400));
  }
}

export function selectionBar(selection: Selection, actions: SelectionActions): HTMLElement {
  const count = h('span', { class: 'selection-count', 'aria-live': 'polite' });
  const ids = () => Array.from(selection.ids);
  const selected = () => actions.assets().filter((a) => selection.has(a.id));
  const button = (label: string, iconName: string, onclick: () => void, cls = 'chip') =>
    h('button', { type: 'button', class: cls, onclick }, icon(iconName), h('span', {}, label));
  const setFlag = async (field: 'isFavorite' | 'isArchived', value: boolean, done: string) => {
    const { done: updated, failed } = await forEachSelected(ids(), (id) => patch<Asset>(`/api/assets/${id}`, { [field]: value }));
    if (field === 'isArchived' && value && actions.archivedLeaves) actions.removed(updated.map((a) => a.id));
    else if (field === 'isArchived' && !value && !actions.archivedLeaves) actions.removed(updated.map((a) => a.id));
    else actions.changed(updated);
    selection.clear();
    toast(failed ? `${updated.length} ${done}, ${failed} failed` : `${updated.length} ${done}`, failed ? 'error' : 'info');
  };
  const owner = actions.ownerActions ?? true;
  const allFavourite = () => selected().every((a) => a.isFavorite);
  const favourite = button('Favourite', 'heart', () => void setFlag('isFavorite', !allFavourite(), allFavourite() ? 'unfavourited' : 'favourited'));
  const archive = button(actions.archivedLeaves ? 'Archive' : 'Unarchive', 'archive', () =>
    void setFlag('isArchived', actions.archivedLeaves, actions.archivedLeaves ? 'archived' : 'unarchived'),
  );
  const bar = h(
    'div',
    { class: 'selection-bar', role: 'toolbar', 'aria-label': 'Selection', hidden: true },
    h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Clear selection', title: 'Clear selection (Esc)', onclick: () => selection.clear() }, icon('close')),
    count,
    h('div', { class: 'spacer' }),
    ...(owner ? [button('Add to album', 'album', () => actions.addToAlbum(ids())), button('Share', 'share', () => actions.share(ids())), favourite, archive] : []),
    actions.download !== false && button('Download', 'download', () =>
      void downloadOriginals(selected().map((a) => ({ url: `/api/assets/${a.id}/original`, name: a.originalFileName }))),
    ),
    ...(actions.extra ?? []),
    owner && button('Trash', 'trash', async () => {
      const { done, failed } = await forEachSelected(ids(), async (id) => {
        await call<void>(`/api/assets/${id}`, { method: 'DELETE' });
        return id;
      });
      actions.removed(done);
      selection.clear();
      toast(failed ? `${done.length} moved to the trash, ${failed} failed` : `${done.length} moved to the trash`, failed ? 'error' : 'info');
    }, 'chip danger'),
  );
  const update = () => {
    bar.hidden = selection.size === 0;
    count.textContent = `${selection.size} selected`;
    document.body.classList.toggle('selecting', selection.size > 0);
  };
  selection.onChange(update);
  update();
  return bar;
}

export function errorText(e: unknown, fallback: string): string {
  return e instanceof ApiError ? e.message : fallback;
}
