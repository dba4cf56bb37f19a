import { useEffect, useRef, useState } from 'react';
import { loadFile } from '../store';

/**
 * The whole window is a drop target for a data file (issue 23): a file dropped anywhere loads as from
 * the drop zone, and the browser never navigates to it (which lost everything loaded). Drops the page's
 * own zones handled (defaultPrevented) are left to them; drags of anything but files are ignored.
 */
export function WindowDrop() {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  useEffect(() => {
    const files = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const enter = (e: DragEvent) => {
      if (!files(e)) return;
      depth.current++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!files(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    };
    const overHandler = (e: DragEvent) => {
      if (!files(e)) return;
      e.preventDefault(); // without it the drop navigates the tab to the file
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      depth.current = 0;
      setOver(false);
      if (!files(e)) return;
      const handled = e.defaultPrevented;
      e.preventDefault();
      if (handled) return;
      const f = e.dataTransfer?.files[0];
      if (f) void loadFile(f, f.name);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overHandler);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overHandler);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return over ? <div className="drop-overlay" data-testid="window-drop" aria-hidden="true">Drop the CSV anywhere to load it</div> : null;
}
