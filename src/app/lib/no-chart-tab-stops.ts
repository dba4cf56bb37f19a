/**
 * Recharts 3 draws its z-index layers as `<g>` elements that React portals into. React listens for
 * events on every portal container (focusin among them), and Chromium makes an SVG element with focus
 * listeners keyboard-focusable: each chart then added 3 empty tab stops. tabindex="-1" takes them out of
 * the Tab order (they stay clickable). Checked once per frame after the DOM changes.
 */
const LAYERS = 'g[class^="recharts-zIndex-layer"]:not([tabindex])';

export function removeChartTabStops(root: HTMLElement = document.body): () => void {
  let queued = false;
  const fix = () => {
    queued = false;
    for (const g of root.querySelectorAll(LAYERS)) g.setAttribute('tabindex', '-1');
  };
  const observer = new MutationObserver(() => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(fix);
    }
  });
  observer.observe(root, { childList: true, subtree: true });
  fix();
  return () => observer.disconnect();
}
