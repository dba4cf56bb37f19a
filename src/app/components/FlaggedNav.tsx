import { explainRow, useApp } from '../store';
import { fmtInt } from '../lib/format';
import { nextFlagged } from '../lib/flagged';

/**
 * Step through the flagged rows without a mouse: "Previous / Next flagged row" explain that row (the plot
 * rings it, the explanation panel opens). Enter or Space on either button steps; ← / → do too while focus
 * is on them.
 */
export function FlaggedNav() {
  const result = useApp((s) => s.result);
  const threshold = useApp((s) => s.threshold);
  const row = useApp((s) => s.explained?.row ?? null);
  if (!result) return null;
  const scores = result.scores;
  // The count from the run's sorted scores (O(log n) per slider move); the explained row's rank among the
  // flagged rows only when it is one of them, scanning the rows before it.
  const flagged = result.sweep.flaggedAt(threshold);
  const onRow = row !== null && scores[row] > threshold;
  let rank = 0;
  if (onRow) for (let i = 0; i <= row; i++) if (scores[i] > threshold) rank++;
  const step = (dir: 1 | -1) => {
    const to = nextFlagged(scores, threshold, row ?? (dir === 1 ? -1 : scores.length), dir);
    if (to !== null) void explainRow(to);
  };
  return (
    <section className="panel row-nav-panel" aria-label="Flagged rows" data-testid="flagged-nav">
      <div
        className="row-nav" role="group" aria-label="Step through flagged rows"
        onKeyDown={(e) => {
          if (e.key === 'ArrowRight' || e.key === 'ArrowDown') { e.preventDefault(); step(1); }
          if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') { e.preventDefault(); step(-1); }
        }}
      >
        <button type="button" data-testid="prev-flagged" disabled={flagged === 0} onClick={() => step(-1)}>◂ Previous flagged</button>
        <button type="button" data-testid="next-flagged" disabled={flagged === 0} onClick={() => step(1)}>Next flagged ▸</button>
        <span className="small muted" data-testid="flagged-position" aria-live="polite">
          {flagged === 0 ? 'no row flagged' : onRow ? `${fmtInt(rank)} of ${fmtInt(flagged)} flagged (row ${fmtInt(row + 1)})` : `${fmtInt(flagged)} flagged: Enter explains the next`}
        </span>
      </div>
    </section>
  );
}
