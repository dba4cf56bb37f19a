import { treatStrayAsMissing, useStray } from '../state/stray';
import { fmtInt } from '../lib/format';

/** "Column b is text because of 'oops' in row 12": said per column, with the offer to read such cells as missing. */
export function StrayTextNote() {
  const items = useStray((s) => s.items);
  if (items.length === 0) return null;
  return (
    <div className="stray-text" data-testid="stray-text">
      {items.map((x) => (
        <div key={x.column} className="warn small" role="note" data-testid="stray-text-item" data-column={x.column} data-row={x.first.row}>
          Column <strong>{x.column}</strong> is read as text because of the cell &lsquo;{x.first.value}&rsquo; in row {fmtInt(x.first.row)} (line {fmtInt(x.first.row + 1)} of the file)
          {x.cells > 1 ? ` (and ${fmtInt(x.cells - 1)} more non-numeric cell${x.cells === 2 ? '' : 's'})` : ''} among {fmtInt(x.numbers)} numbers.{' '}
          <button type="button" className="link" data-testid="stray-as-missing" onClick={() => void treatStrayAsMissing(x.column)}>Treat such cells as missing</button>
        </div>
      ))}
    </div>
  );
}
