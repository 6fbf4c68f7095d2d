// The timeline's geometry: month and day headers, then each day's assets in justified rows (equal height per
// row, aspect ratios kept, rows filling the width). Computed from width/height alone, before any image loads,
// so nothing jumps when thumbnails arrive.
import type { Asset } from './types';

export interface Box {
  kind: 'month' | 'day' | 'tile';
  key: string;
  top: number;
  left: number;
  width: number;
  height: number;
  label?: string;
  month?: string;
  asset?: Asset;
  index?: number; // position in the asset list, for tiles
}

export interface Layout {
  boxes: Box[]; // sorted by top
  height: number;
  monthTops: Map<string, number>;
}

export interface LayoutOptions {
  width: number;
  rowHeight: number;
  gap: number;
  headers: boolean;
}

const MONTH_HEADER = 56;
const DAY_HEADER = 36;

export function aspectOf(a: Asset): number {
  if (!a.width || !a.height) return 1;
  return Math.min(3, Math.max(0.4, a.width / a.height));
}

// "2021-07-04T10:20:30+02:00" → "2021-07-04": the calendar day where the picture was taken, as recorded.
export const dayOf = (a: Asset) => (a.takenAt || a.createdAt).slice(0, 10);
export const monthOf = (a: Asset) => (a.takenAt || a.createdAt).slice(0, 7);

const monthNames = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayNames = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

export function monthLabel(month: string): string {
  const d = new Date(month + '-01T00:00:00Z');
  return isNaN(d.getTime()) ? month : monthNames.format(d);
}

export function dayLabel(day: string): string {
  const d = new Date(day + 'T00:00:00Z');
  return isNaN(d.getTime()) ? day : dayNames.format(d);
}

function justify(assets: Asset[], first: number, count: number, top: number, o: LayoutOptions, out: Box[]): number {
  let start = 0;
  while (start < count) {
    let sum = 0;
    let end = start;
    let height = o.rowHeight;
    let full = false;
    while (end < count) {
      sum += aspectOf(assets[first + end]);
      end++;
      const h = (o.width - o.gap * (end - start - 1)) / sum;
      if (h <= o.rowHeight) {
        height = h;
        full = true;
        break;
      }
    }
    if (!full) height = Math.min(o.rowHeight, (o.width - o.gap * (end - start - 1)) / sum);
    let left = 0;
    for (let i = start; i < end; i++) {
      const asset = assets[first + i];
      const w = aspectOf(asset) * height;
      out.push({ kind: 'tile', key: asset.id, top, left, width: w, height, asset, index: first + i });
      left += w + o.gap;
    }
    top += height + o.gap;
    start = end;
  }
  return top;
}

export function layout(assets: Asset[], o: LayoutOptions): Layout {
  const boxes: Box[] = [];
  const monthTops = new Map<string, number>();
  let top = 0;
  let i = 0;
  let lastMonth = '';
  while (i < assets.length) {
    if (!o.headers) {
      top = justify(assets, 0, assets.length, top, o, boxes);
      break;
    }
    const day = dayOf(assets[i]);
    const month = day.slice(0, 7);
    if (month !== lastMonth) {
      monthTops.set(month, top);
      boxes.push({ kind: 'month', key: 'm' + month, top, left: 0, width: o.width, height: MONTH_HEADER, label: monthLabel(month), month });
      top += MONTH_HEADER;
      lastMonth = month;
    }
    boxes.push({ kind: 'day', key: 'd' + day, top, left: 0, width: o.width, height: DAY_HEADER, label: dayLabel(day) });
    top += DAY_HEADER;
    let j = i;
    while (j < assets.length && dayOf(assets[j]) === day) j++;
    top = justify(assets, i, j - i, top, o, boxes);
    i = j;
  }
  return { boxes, height: top, monthTops };
}

// Index of the first box whose bottom reaches y (boxes are sorted by top; heights within a row are equal).
export function firstVisible(boxes: Box[], y: number): number {
  let lo = 0;
  let hi = boxes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boxes[mid].top + boxes[mid].height < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
