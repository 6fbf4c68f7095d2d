// The date scrubber: one mark per month from GET /api/timeline, spaced by how many assets each holds, so the
// bar maps to the whole library even before it is loaded. Clicking (or Enter on) a month jumps there.
import { h } from './dom';
import type { AssetGrid } from './grid';
import { monthLabel } from './layout';
import type { TimelineBucket } from './types';

export function scrubber(buckets: TimelineBucket[], grid: AssetGrid): HTMLElement {
  const nav = h('nav', { class: 'scrubber', 'aria-label': 'Jump to a month' });
  const total = buckets.reduce((s, b) => s + b.count, 0) || 1;
  let seen = 0;
  let lastYear = '';
  let lastLabelAt = -100;
  for (const b of buckets) {
    const year = b.month.slice(0, 4);
    const position = (seen / total) * 100;
    seen += b.count;
    // A year's label where its first month starts, unless it would sit on the previous label.
    const labelled = year !== lastYear && position - lastLabelAt >= 4;
    if (labelled) lastLabelAt = position;
    const mark = h(
      'button',
      { type: 'button', class: 'scrub-mark', title: `${monthLabel(b.month)} (${b.count})`, 'aria-label': `${monthLabel(b.month)}, ${b.count} items` },
      labelled ? h('span', { class: 'scrub-year' }, year) : h('span', { class: 'scrub-dot' }),
    );
    mark.style.top = `${position}%`;
    mark.addEventListener('click', () => void grid.scrollToMonth(b.month));
    lastYear = year;
    nav.appendChild(mark);
  }
  return nav;
}
