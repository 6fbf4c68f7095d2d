// A grid of the user's own assets with selection and its action bar: the timeline, favourites, archive,
// search results, a tag and an album all use it.
import { addToAlbumDialog, shareDialog } from './album_dialogs';
import { AssetGrid, type GridOptions } from './grid';
import { Selection, selectionBar } from './selection';
import type { Asset } from './types';
import { openViewer } from './viewer';

export interface LibraryOptions extends Omit<GridOptions, 'onOpen' | 'selection'> {
  archivedLeaves?: boolean; // archiving takes assets out of this view (true everywhere but the archive)
  favoritesOnly?: boolean; // unfavouriting takes assets out of this view
  extra?: (selection: Selection, grid: () => AssetGrid) => HTMLElement[];
  ownerActions?: boolean; // false: the selection offers only download and `extra` (a shared album's members)
  download?: boolean; // false: no download either (an album whose owner forbids it)
}

export interface Library {
  grid: AssetGrid;
  selection: Selection;
  bar: HTMLElement;
}

export function libraryGrid(options: LibraryOptions): Library {
  const selection = new Selection();
  const grid: AssetGrid = new AssetGrid({ ...options, selection, onOpen: (i) => openViewer(grid, i) });
  const bar = selectionBar(selection, {
    assets: () => grid.assets,
    addToAlbum: (ids) => addToAlbumDialog(ids, () => selection.clear()),
    share: (ids) => shareDialog({ assetIds: ids }),
    changed: (assets: Asset[]) => {
      if (options.favoritesOnly) grid.remove(assets.filter((a) => !a.isFavorite).map((a) => a.id));
      assets.filter((a) => !options.favoritesOnly || a.isFavorite).forEach((a) => grid.upsert(a));
    },
    removed: (ids) => grid.remove(ids),
    archivedLeaves: options.archivedLeaves ?? true,
    extra: options.extra?.(selection, () => grid),
    ownerActions: options.ownerActions,
    download: options.download,
  });
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && selection.size && !document.querySelector('dialog[open], .pswp')) selection.clear();
  };
  document.addEventListener('keydown', onKey);
  const destroy = grid.destroy.bind(grid);
  grid.destroy = () => {
    document.removeEventListener('keydown', onKey);
    destroy();
  };
  return { grid, selection, bar };
}
