// The app shell: who is signed in decides between the sign-in screens and the library; the path decides the
// page (/ the timeline, /trash, /photos/{id} the viewer over the timeline, /s/{key} shared links).
import './styles.css';
import { accountPage } from './account_view';
import { adminJobsPage, adminUsersPage } from './admin_view';
import { albumPage } from './album_page';
import { albumsPage } from './albums_view';
import { ApiError, get, post } from './api';
import { renderAuth } from './auth_view';
import { clear, h, icon, toast } from './dom';
import { duplicatesPage } from './duplicates_view';
import { LiveEvents } from './events';
import { AssetGrid } from './grid';
import { jobProgressed } from './info_panel';
import { libraryGrid } from './library';
import { memoriesStrip } from './memories';
import { scrubber } from './scrubber';
import { archivePage, favoritesPage, searchPage, tagsPage } from './search_view';
import { groupsPage } from './groups_view';
import { resetPasswordPage } from './password_reset_view';
import { remember } from './people';
import { currentUser, onSessionChange, resumeSession } from './session';
import { sharedPage } from './shared_view';
import { sharingPage } from './sharing_view';
import { cleanup, onLeave, root, setRouter, shell } from './shell';
import type { Asset, Partner, TimelineBucket } from './types';
import type { User } from './types';
import { showWithUpload, Uploader } from './upload';
import { openViewer } from './viewer';

async function timelinePage(user: User): Promise<void> {
  let buckets: TimelineBucket[] = [];
  // Partners who share with me and whom I put in my timeline come with it, each photo marked with its owner
  // (and not selectable: the bar's actions are for my own).
  const { grid, bar } = libraryGrid({
    source: (cursor) => `/api/assets?order=desc&withPartners=true${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    headers: true,
    me: user.id,
    selectable: (a) => !a.ownerId || a.ownerId === user.id,
    expectedTotal: () => buckets.reduce((s, b) => s + b.count, 0),
    empty: () =>
      h('div', { class: 'empty' }, icon('photo'), h('h2', {}, 'No photos yet'), h('p', {}, 'Drop photos and videos anywhere on this page, or use Upload.')),
  });
  // The scrubber's months change as files land: fetched again once uploads pause for a second.
  let bucketsTimer = 0;
  const reloadBuckets = () => {
    window.clearTimeout(bucketsTimer);
    bucketsTimer = window.setTimeout(async () => {
      try {
        buckets = (await get<{ buckets: TimelineBucket[] }>('/api/timeline?withPartners=true')).buckets;
        refreshScrubber();
      } catch {
        /* keep the old marks */
      }
    }, 1000);
  };
  const uploader = new Uploader((asset: Asset) => {
    grid.upsert(asset);
    if (asset.livePhotoVideoId) grid.remove([asset.livePhotoVideoId]); // its motion part, uploaded first, folds in
    watchPending(asset);
    reloadBuckets();
    resetPoll(); // fresh uploads: their thumbnails are expected soon
  });
  void uploader.showUnfinished();
  const scrubHost = h('div', { class: 'scrub-host' });
  const refreshScrubber = () => {
    clear(scrubHost);
    if (buckets.length > 1) scrubHost.appendChild(scrubber(buckets, grid));
  };
  const main = h('main', { class: 'timeline' }, memoriesStrip(), bar, grid.element, scrubHost);
  cleanup();
  showWithUpload(user, main, uploader);
  onLeave(() => grid.destroy());

  // Thumbnails not made yet: replaced when derivative.created arrives, or by polling while events are down.
  const pending = new Set<string>();
  let live = false;
  function watchPending(a: Asset): void {
    if (a.derivatives.thumbnail === 'pending' || a.derivatives.preview === 'pending') pending.add(a.id);
  }
  // true when the asset's derivatives changed (then its tile is rebuilt with the new URLs).
  async function refreshAsset(id: string): Promise<boolean> {
    try {
      const a = await get<Asset>(`/api/assets/${id}`);
      if (a.derivatives.thumbnail !== 'pending' && a.derivatives.preview !== 'pending') pending.delete(id);
      const known = grid.assets.find((x) => x.id === id);
      if (!known) {
        pending.delete(id); // trashed (or gone) meanwhile
        return false;
      }
      const fingerprint = (x: Asset) => JSON.stringify([x.derivatives, x.thumbnailUrl, x.previewUrl]);
      if (fingerprint(known) === fingerprint(a)) return false;
      grid.upsert(a);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) pending.delete(id);
      return false;
    }
  }
  const events = new LiveEvents({
    derivativeCreated: (e) => void refreshAsset(e.assetId),
    derivativeFailed: (e) => void refreshAsset(e.assetId),
    jobProgressed: (e) => jobProgressed(e.jobId, e.state, e.progress),
    notice: (text) => toast(text, 'info', 10000),
    connected: (up) => (live = up),
  });
  events.start();
  // While events are down: poll a few pending assets, every 4 s while something changes, backing off to a
  // minute while nothing does.
  let pollDelay = 4000;
  let pollTimer = 0;
  let disposed = false;
  const poll = async () => {
    if (disposed) return;
    if (!live && pending.size) {
      const changed = await Promise.all(Array.from(pending).slice(0, 8).map(refreshAsset));
      pollDelay = changed.some(Boolean) ? 4000 : Math.min(60_000, pollDelay * 2);
    }
    pollTimer = window.setTimeout(poll, pollDelay);
  };
  pollTimer = window.setTimeout(poll, pollDelay);
  const resetPoll = () => {
    if (disposed) return;
    pollDelay = 4000;
    window.clearTimeout(pollTimer);
    pollTimer = window.setTimeout(poll, pollDelay);
  };
  onLeave(() => {
    disposed = true;
    events.stop();
    window.clearTimeout(pollTimer);
    window.clearTimeout(bucketsTimer);
  });
  grid.onLayout = () => grid.assets.forEach(watchPending);

  try {
    const [b, partners] = await Promise.all([
      get<{ buckets: TimelineBucket[] }>('/api/timeline?withPartners=true'),
      get<Partner[]>('/api/partners?direction=shared-with').catch(() => [] as Partner[]),
    ]);
    buckets = b.buckets;
    remember(...partners); // their names and faces on their tiles
  } catch {
    buckets = [];
  }
  await grid.start();
  refreshScrubber();
  const deep = /^\/photos\/([^/]+)$/.exec(location.pathname);
  if (deep) {
    const i = grid.assets.findIndex((a) => a.id === deep[1]);
    if (i >= 0) openViewer(grid, i);
  }
}

async function trashPage(user: User): Promise<void> {
  const grid: AssetGrid = new AssetGrid({
    source: (cursor) => `/api/trash${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
    headers: false,
    onOpen: () => undefined,
    decorate: (tile, asset) => {
      tile.removeAttribute('href');
      tile.setAttribute('role', 'group');
      tile.appendChild(
        h('button', {
          type: 'button',
          class: 'tile-action',
          'aria-label': `Restore ${asset.title || asset.originalFileName}`,
          onclick: async (e: Event) => {
            e.stopPropagation();
            try {
              await post('/api/trash/restore', { ids: [asset.id] });
              grid.remove([asset.id]);
              toast('Restored');
            } catch (err) {
              toast(err instanceof ApiError ? err.message : 'Could not restore', 'error');
            }
          },
        }, icon('restore'), 'Restore'),
      );
    },
    empty: () => h('div', { class: 'empty' }, icon('trash'), h('h2', {}, 'Trash is empty'), h('p', {}, 'Items you delete stay here for 30 days.')),
  });
  const restoreAll = h('button', { type: 'button', class: 'secondary' }, icon('restore'), 'Restore all');
  const empty = h('button', { type: 'button', class: 'danger' }, icon('trash'), 'Empty trash');
  restoreAll.addEventListener('click', async () => {
    const { count } = await post<{ count: number }>('/api/trash/restore', {});
    toast(`${count} restored`);
    grid.reset();
  });
  empty.addEventListener('click', async () => {
    if (!window.confirm('Delete everything in the trash for good?')) return;
    const { count } = await post<{ count: number }>('/api/trash/empty', {});
    toast(`${count} deleted for good`);
    grid.reset();
  });
  const main = h(
    'main',
    { class: 'trash' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Trash'), h('div', { class: 'spacer' }), restoreAll, empty),
    grid.element,
  );
  cleanup();
  root.append(shell(user, main));
  onLeave(() => grid.destroy());
  await grid.start();
}

async function route(): Promise<void> {
  const path = location.pathname;
  if (path.startsWith('/s/')) return sharedPage(decodeURIComponent(path.slice(3)));
  // The mailed password-reset link: whoever opens it, signed in or not.
  if (path === '/reset-password') {
    cleanup();
    return resetPasswordPage(root);
  }
  const user = currentUser();
  if (!user) {
    cleanup();
    await renderAuth(root);
    return;
  }
  if (path === '/trash') return trashPage(user);
  if (path === '/duplicates') return duplicatesPage(user);
  if (path === '/albums') return albumsPage(user);
  if (path === '/sharing') return sharingPage(user);
  if (path === '/sharing/groups') return groupsPage(user);
  const album = /^\/albums\/([^/]+)$/.exec(path);
  if (album) return albumPage(user, decodeURIComponent(album[1]));
  if (path === '/search') return searchPage(user);
  // Leaflet only for the map page: its own chunk, loaded when the page is opened.
  if (path === '/map') return (await import('./map_view')).mapPage(user);
  if (path === '/tags') return tagsPage(user);
  if (path === '/favorites') return favoritesPage(user);
  if (path === '/archive') return archivePage(user);
  if (path === '/account') return accountPage(user);
  if (path === '/admin' || path === '/admin/users' || path === '/admin/jobs') {
    if (!user.isAdmin) {
      history.replaceState(null, '', '/'); // nothing to see here, and nothing to come back to
      return timelinePage(user);
    }
    return path === '/admin/jobs' ? adminJobsPage(user) : adminUsersPage(user);
  }
  if (path !== '/' && !path.startsWith('/photos/')) history.replaceState(null, '', '/');
  return timelinePage(user);
}

async function start(): Promise<void> {
  setRouter(route);
  window.addEventListener('popstate', () => void route());
  if (!location.pathname.startsWith('/s/')) await resumeSession();
  onSessionChange(() => void route());
  await route();
}

start().catch((e) => {
  console.error(e);
  toast('Obscura could not start: ' + (e instanceof Error ? e.message : String(e)), 'error', 30000);
});
