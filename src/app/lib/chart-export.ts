/**
 * Downloading a chart as PNG or SVG (issue 23). A chart on the page is a stack of canvases (density
 * layer, points, decision surface, timeline) and SVGs (axes, legends, curves) inside one element:
 * the PNG draws each of them at its place into one canvas (2× for sharpness); the SVG keeps every
 * SVG part as vector and each canvas as an embedded PNG image at its place.
 */

/** Save a Blob under a file name (a link click; the object URL is revoked after). */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

interface Part { kind: 'canvas' | 'svg'; el: HTMLCanvasElement | SVGSVGElement; x: number; y: number; w: number; h: number }

/** The drawn parts of a chart element, with their boxes relative to it (hidden ones left out). */
function parts(root: HTMLElement): { width: number; height: number; parts: Part[] } {
  const box = root.getBoundingClientRect();
  const out: Part[] = [];
  for (const el of root.querySelectorAll<HTMLCanvasElement | SVGSVGElement>('canvas, svg')) {
    // An SVG inside another SVG is drawn with it.
    if (el instanceof SVGSVGElement && el.parentElement?.closest('svg')) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    out.push({ kind: el instanceof HTMLCanvasElement ? 'canvas' : 'svg', el, x: r.left - box.left, y: r.top - box.top, w: r.width, h: r.height });
  }
  return { width: Math.ceil(box.width), height: Math.ceil(box.height), parts: out };
}

function svgText(svg: SVGSVGElement, w: number, h: number): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(w));
  copy.setAttribute('height', String(h));
  inlineStyles(svg, copy);
  return new XMLSerializer().serializeToString(copy);
}

/** Computed fill / stroke / font of each element written on the copy: CSS classes do not travel with a file. */
function inlineStyles(from: Element, to: Element): void {
  const cs = getComputedStyle(from);
  const style = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'font-weight', 'text-anchor', 'dominant-baseline']
    .map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
  to.setAttribute('style', style);
  for (let i = 0; i < from.children.length; i++) inlineStyles(from.children[i], to.children[i]);
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('a chart part could not be drawn'));
    img.src = src;
  });
}

const background = () => getComputedStyle(document.body).backgroundColor || '#ffffff';

/** The chart as PNG, 2× the on-screen size. */
export async function chartPng(root: HTMLElement): Promise<Blob> {
  const { width, height, parts: ps } = parts(root);
  const scale = 2;
  const c = document.createElement('canvas');
  c.width = width * scale;
  c.height = height * scale;
  const g = c.getContext('2d')!;
  g.scale(scale, scale);
  g.fillStyle = background();
  g.fillRect(0, 0, width, height);
  for (const p of ps) {
    if (p.kind === 'canvas') g.drawImage(p.el as HTMLCanvasElement, p.x, p.y, p.w, p.h);
    else {
      const url = URL.createObjectURL(new Blob([svgText(p.el as SVGSVGElement, p.w, p.h)], { type: 'image/svg+xml' }));
      try {
        g.drawImage(await loadImage(url), p.x, p.y, p.w, p.h);
      } finally {
        URL.revokeObjectURL(url);
      }
    }
  }
  return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be encoded as PNG'))), 'image/png'));
}

/** The chart as SVG: SVG parts as vector, canvases as embedded PNG images. */
export function chartSvg(root: HTMLElement): Blob {
  const { width, height, parts: ps } = parts(root);
  const body = ps.map((p) => {
    if (p.kind === 'canvas') return `<image x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" href="${(p.el as HTMLCanvasElement).toDataURL('image/png')}"/>`;
    const inner = svgText(p.el as SVGSVGElement, p.w, p.h).replace(/^<svg/, `<svg x="${p.x}" y="${p.y}"`);
    return inner;
  });
  const text = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="${background()}"/>${body.join('')}</svg>`;
  return new Blob([text], { type: 'image/svg+xml' });
}
