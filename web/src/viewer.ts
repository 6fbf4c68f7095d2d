// The lightbox: PhotoSwipe for keyboard, swipe and zoom. An image shows its preview first and its original
// on deep zoom (srcset: PhotoSwipe raises `sizes` as you zoom); a video plays its MP4. The info panel sits
// beside it.
import PhotoSwipe from 'photoswipe';
import type { SlideData } from 'photoswipe';
import 'photoswipe/style.css';
import { h, icon } from './dom';
import type { AssetGrid } from './grid';
import { InfoPanel } from './info_panel';
import { attachLivePhoto } from './live_photo';
import type { Asset } from './types';

const BROWSER_IMAGES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
const BROWSER_VIDEOS = new Set(['video/mp4', 'video/webm']);
const PREVIEW_EDGE = 1440;

function previewWidth(a: Asset): number {
  const scale = Math.min(1, PREVIEW_EDGE / Math.max(a.width || 1, a.height || 1));
  return Math.round((a.width || PREVIEW_EDGE) * scale);
}

// Set while a share link's page shows the lightbox: media come through the link, the original only when it
// allows downloads, and there is no details panel.
export interface SharedView {
  key: string;
  allowDownload: boolean;
}
let shared: SharedView | null = null;
const mediaBase = (a: Asset) => (shared ? `/api/shared/${encodeURIComponent(shared.key)}/assets/${a.id}` : `/api/assets/${a.id}`);

function slideOf(a: Asset): SlideData & { asset: Asset } {
  const width = a.width || 1600;
  const height = a.height || 1200;
  if (a.type === 'video') return { type: 'video', width, height, asset: a, alt: a.title };
  const original = `${mediaBase(a)}/original`;
  const displayable = BROWSER_IMAGES.has(a.mimeType) && (!shared || shared.allowDownload);
  if (a.derivatives.preview !== 'ready') {
    // No preview yet: the original if a browser can show it, else the thumbnail (or an error slide).
    return { src: displayable ? original : a.thumbnailUrl, width, height, alt: a.title, asset: a };
  }
  const srcset = displayable ? `${a.previewUrl} ${previewWidth(a)}w, ${original} ${width}w` : undefined;
  return { src: a.previewUrl, srcset, width, height, alt: a.title, msrc: a.thumbnailUrl, asset: a };
}

function videoElement(a: Asset): HTMLDivElement {
  const wrap = h('div', { class: 'pswp__video' });
  const playable =
    a.derivatives.video === 'ready' ? `${mediaBase(a)}/video` : BROWSER_VIDEOS.has(a.mimeType) && (!shared || shared.allowDownload) ? `${mediaBase(a)}/original` : '';
  if (!playable) {
    wrap.append(h('p', { class: 'video-pending' }, icon('video'), 'This video is still being prepared for the browser.'));
    return wrap;
  }
  const video = h('video', { controls: true, playsinline: true, preload: 'metadata', src: playable });
  if (a.derivatives.preview === 'ready') video.poster = a.previewUrl;
  wrap.appendChild(video);
  return wrap;
}

let open: PhotoSwipe | null = null;

export interface ViewerOptions {
  slideshowMs?: number; // advance to the next picture this often (memories); stops at the last one
}

export function openViewer(grid: AssetGrid, index: number, sharedView: SharedView | null = null, options: ViewerOptions = {}): void {
  if (open || index < 0 || index >= grid.assets.length) return;
  shared = sharedView;
  const caption = h('div', { class: 'pswp__caption', 'aria-live': 'polite' });
  const showCaption = (a: Asset) => {
    caption.textContent = a.title;
    caption.hidden = !a.title;
  };
  const panel = new InfoPanel({
    updated: (asset) => {
      grid.upsert(asset);
      const slide = pswp.currSlide?.data as { asset?: Asset } | undefined;
      if (slide?.asset?.id === asset.id) slide.asset = asset;
      panel.show(asset);
      showCaption(asset);
    },
    toggled: () => pswp.updateSize(true),
    // A related photo: shown in this viewer (added to the grid when it is not loaded there).
    openRelated: (asset) => {
      let i = grid.assets.findIndex((a) => a.id === asset.id);
      if (i < 0) {
        grid.upsert(asset);
        i = grid.assets.findIndex((a) => a.id === asset.id);
      }
      if (i >= 0) pswp.goTo(i);
    },
    trashed: (asset) => {
      const at = grid.assets.findIndex((a) => a.id === asset.id);
      grid.remove([asset.id]);
      const n = grid.assets.length;
      if (n === 0 || at < 0) {
        pswp.close();
        return;
      }
      // The next asset slides into the trashed one's place: rebuild the slides around it.
      if (at >= n) pswp.goTo(n - 1);
      const here = Math.min(at, n - 1);
      for (const i of new Set([here, (here + 1) % n, (here - 1 + n) % n])) pswp.refreshSlideContent(i);
    },
  });
  const pswp = new PhotoSwipe({
    index,
    // The details panel takes the right side (the bottom on a phone): the picture fits what is left.
    getViewportSizeFn: () => {
      const phone = window.innerWidth <= 640;
      if (!panel.open) return { x: window.innerWidth, y: window.innerHeight };
      return phone ? { x: window.innerWidth, y: Math.round(window.innerHeight * 0.4) } : { x: window.innerWidth - 360, y: window.innerHeight };
    },
    bgOpacity: 1,
    showHideAnimationType: 'fade',
    wheelToZoom: true,
    secondaryZoomLevel: 2,
    maxZoomLevel: 6,
    errorMsg: 'This picture is not ready yet.',
    closeTitle: 'Close (Esc)',
    zoomTitle: 'Zoom (z)',
    arrowPrevTitle: 'Previous (←)',
    arrowNextTitle: 'Next (→)',
  });
  pswp.addFilter('numItems', () => grid.assets.length);
  pswp.addFilter('itemData', (_data, i) => slideOf(grid.assets[i]));
  pswp.on('contentLoad', (e) => {
    const { content } = e;
    if (content.type !== 'video') return;
    e.preventDefault();
    content.element = videoElement((content.data as { asset: Asset }).asset);
  });
  // Typing in the panel must not page through the pictures (Escape still closes).
  pswp.on('keydown', (e) => {
    const target = e.originalEvent.target as HTMLElement | null;
    if (e.originalEvent.key !== 'Escape' && target && target.closest('.info-panel, input, textarea')) e.preventDefault();
  });
  pswp.on('change', () => {
    pswp.element?.querySelectorAll('video').forEach((v) => v.pause());
    const asset = (pswp.currSlide?.data as { asset?: Asset } | undefined)?.asset;
    if (asset) {
      if (!shared) panel.show(asset);
      showCaption(asset);
      if (!shared) history.replaceState(null, '', `/photos/${asset.id}`);
    }
    // Paging to the end of what is loaded loads the next page of the listing.
    if (pswp.currIndex >= grid.assets.length - 3) void grid.loadMore();
  });
  pswp.on('uiRegister', () => {
    if (shared) {
      if (shared.allowDownload) {
        pswp.ui?.registerElement({
          name: 'download',
          order: 8,
          isButton: true,
          tagName: 'a',
          title: 'Download original',
          html: { isCustomSVG: true, inner: '<path d="M16 6v14m0 0-6-6m6 6 6-6M7 25h18" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" fill="none"/>', outlineID: 'pswp__icn-download' },
          onInit: (el, p) => {
            el.setAttribute('download', '');
            el.setAttribute('aria-label', 'Download original');
            const set = () => {
              const a = (p.currSlide?.data as { asset?: Asset } | undefined)?.asset;
              if (a) el.setAttribute('href', `${mediaBase(a)}/original`);
            };
            p.on('change', set);
            set();
          },
        });
      }
      pswp.ui?.registerElement({ name: 'caption-host', appendTo: 'root', onInit: (el) => el.appendChild(caption) });
      return;
    }
    pswp.ui?.registerElement({
      name: 'info',
      order: 15,
      isButton: true,
      title: 'Details (i)',
      html: { isCustomSVG: true, inner: '<path d="M16 14v8m0-12h.01" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" fill="none"/><circle cx="16" cy="16" r="11" stroke="currentColor" stroke-width="2" fill="none"/>', outlineID: 'pswp__icn-info' },
      onClick: () => panel.toggle(),
    });
    pswp.ui?.registerElement({
      name: 'details-panel',
      appendTo: 'root',
      onInit: (el) => {
        el.appendChild(panel.element);
      },
    });
    pswp.ui?.registerElement({
      name: 'caption-host',
      appendTo: 'root',
      onInit: (el) => {
        el.appendChild(caption);
      },
    });
  });
  pswp.on('keydown', (e) => {
    if (e.defaultPrevented || shared) return;
    if (e.originalEvent.key === 'i') panel.toggle();
  });
  const returnTo = location.pathname === '/photos/' + grid.assets[index].id ? '/' : location.pathname;
  // Keys work once the opening animation is over; tests (and styles) can tell by this attribute.
  pswp.on('openingAnimationEnd', () => pswp.element?.setAttribute('data-ready', 'true'));
  pswp.on('destroy', () => {
    open = null;
    panel.close();
    if (!shared) history.replaceState(null, '', returnTo.startsWith('/photos/') ? '/' : returnTo);
    const id = (pswp.currSlide?.data as { asset?: Asset } | undefined)?.asset?.id;
    if (id) (grid.scroller.querySelector(`[data-id="${CSS.escape(id)}"]`) as HTMLElement | null)?.focus();
  });
  if (!shared) attachLivePhoto(pswp);
  if (options.slideshowMs) {
    const timer = window.setInterval(() => {
      if (pswp.currIndex < grid.assets.length - 1) pswp.next();
      else window.clearInterval(timer);
    }, options.slideshowMs);
    pswp.on('openingAnimationEnd', () => pswp.element?.setAttribute('data-slideshow', 'true'));
    pswp.on('destroy', () => window.clearInterval(timer));
  }
  open = pswp;
  pswp.init();
}

export function viewerOpen(): boolean {
  return open !== null;
}
