import { useEffect, useState, type ReactNode } from 'react';
import { useApp } from '../store';

/** Below this width the data/detector panel folds away once a file is loaded, so plot, threshold and metrics fit side by side. */
const NARROW = 1280;

const narrow = () => typeof window !== 'undefined' && window.innerWidth < NARROW;

/**
 * The data/detector column, collapsible to a thin rail with one button. Open by default on wide
 * screens; on narrow ones (1024 px) it folds when data arrives, until the user opens it again.
 */
export function SidePanel({ children }: { children: ReactNode }) {
  const datasetId = useApp((s) => s.datasetId);
  const [open, setOpen] = useState(true);
  const [chosen, setChosen] = useState(false);
  useEffect(() => {
    if (datasetId !== null && !chosen && narrow()) setOpen(false);
  }, [datasetId]); // eslint-disable-line react-hooks/exhaustive-deps
  const toggle = () => { setChosen(true); setOpen(!open); };
  return (
    <aside className={open ? 'left' : 'left collapsed'} data-testid="side-panel" data-open={open}>
      <button
        type="button" className="side-toggle" data-testid="side-toggle" aria-expanded={open} aria-controls="side-panel-body"
        title={open ? 'Fold the data and detector panel away (more room for the plot)' : 'Show the data and detector panel'}
        onClick={toggle}
      >
        {open ? '◂ Hide data & detector' : '▸'}
        {!open && <span className="side-toggle-label">Data &amp; detector</span>}
      </button>
      <div id="side-panel-body" className="side-body" hidden={!open}>{children}</div>
    </aside>
  );
}
