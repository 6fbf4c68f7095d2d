// A live photo in the lightbox (DESIGN.md section 12): the still carries a "LIVE" badge; hovering the badge, or
// pressing and holding the picture, plays its motion part (the hidden video asset named by livePhotoVideoId) over
// the still, muted; letting go shows the still again. A second button downloads the motion part (the still's
// original has its own download). Not on share-link pages: the link grants the still only.
import type PhotoSwipe from 'photoswipe';
import { h } from './dom';
import type { Asset } from './types';

export function attachLivePhoto(pswp: PhotoSwipe): void {
  let badge: HTMLElement | null = null;
  let download: HTMLElement | null = null;
  let video: HTMLVideoElement | null = null;
  const current = () => (pswp.currSlide?.data as { asset?: Asset } | undefined)?.asset;
  const stop = () => {
    if (!video) return;
    video.pause();
    video.currentTime = 0;
    video.hidden = true;
  };
  const play = () => {
    if (!video) return;
    video.hidden = false;
    void video.play().catch(() => stop());
  };
  const setUp = () => {
    video?.remove();
    video = null;
    const videoId = current()?.livePhotoVideoId;
    if (badge) badge.hidden = !videoId;
    if (download) download.hidden = !videoId;
    if (!videoId) return;
    const base = `/api/assets/${encodeURIComponent(videoId)}`;
    download?.setAttribute('href', `${base}/original`);
    // The browser copy (/video) once media made it; the original (a phone's MP4/MOV) until then.
    const v = h('video', { class: 'live-photo-video', playsinline: true, preload: 'auto', src: `${base}/video` });
    v.muted = true;
    v.hidden = true;
    v.addEventListener('error', () => v.setAttribute('src', `${base}/original`), { once: true });
    v.addEventListener('ended', stop);
    // Over the whole slide (not inside the zoom wrapper, whose transform would scale it), contained: the still is
    // fitted the same way at its first zoom level, so the motion part covers it exactly.
    const container = pswp.currSlide?.holderElement;
    container?.appendChild(v);
    container?.addEventListener('pointerdown', play);
    for (const end of ['pointerup', 'pointercancel', 'pointerleave']) container?.addEventListener(end, stop);
    video = v;
  };
  pswp.on('uiRegister', () => {
    pswp.ui?.registerElement({
      name: 'live-badge',
      order: 7,
      isButton: false,
      appendTo: 'bar',
      html: 'LIVE',
      onInit: (el) => {
        el.classList.add('live-badge');
        el.setAttribute('title', 'Live photo: hover or press and hold to play');
        el.addEventListener('mouseenter', play);
        el.addEventListener('mouseleave', stop);
        el.addEventListener('pointerdown', play);
        el.addEventListener('pointerup', stop);
        badge = el;
        badge.hidden = !current()?.livePhotoVideoId;
      },
    });
    pswp.ui?.registerElement({
      name: 'live-download',
      order: 8,
      isButton: true,
      tagName: 'a',
      title: 'Download the motion part',
      html: 'MOV',
      onInit: (el) => {
        el.setAttribute('download', '');
        el.classList.add('live-download');
        download = el;
        download.hidden = !current()?.livePhotoVideoId;
      },
    });
  });
  pswp.on('change', setUp);
  pswp.on('afterInit', setUp);
}
