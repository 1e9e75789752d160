// Painting is deferred for sections far from the viewport: while a network runs, the page
// (main thread) and the worker share two cores here, and painting every layer's maps as they
// arrive slows the run itself (re-runs of resnet50 in the page: ~540–620 → ~480–510 ms with
// this). Tiles, sizes and click handlers exist at once; the pixels (and which channel goes in
// which tile, when the most active come first) wait until the section comes within a quarter of
// a screen of the view (painting is fast enough to keep up with scrolling).
import { $ } from './state';

const nearView = new Set<Element>();

const pendingPaint = new Map<Element, Array<() => void>>();

const visibility = new IntersectionObserver(
  (entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) {
        nearView.delete(e.target);
        continue;
      }
      nearView.add(e.target);
      const jobs = pendingPaint.get(e.target);
      pendingPaint.delete(e.target);
      for (const job of jobs ?? []) job();
    }
  },
  { root: $('layers'), rootMargin: '25% 0px' },
);

/** Watches a new section. */
export function watchSection(sec: Element): void {
  visibility.observe(sec);
}

/** Forgets every section (the page is about to rebuild them). */
export function unwatchAll(): void {
  visibility.disconnect();
  nearView.clear();
  dropPendingPaints();
}

/** Drops every queued paint (their data is going back to the worker) but keeps watching the sections. */
export function dropPendingPaints(): void {
  pendingPaint.clear();
}

/** Runs `job` now if the section is near the view, otherwise when it comes near. */
export function paintWhenNear(sec: Element, job: () => void): void {
  if (nearView.has(sec)) return job();
  const jobs = pendingPaint.get(sec);
  if (jobs) jobs.push(job);
  else pendingPaint.set(sec, [job]);
}

/** Drops the section's queued paints (a newer rendering replaces them). */
export function cancelPaint(sec: Element): void {
  pendingPaint.delete(sec);
}
