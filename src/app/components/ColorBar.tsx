import type { DivergingScale } from '../lib/colormap';
import { coolwarmGradient } from '../lib/colormap';
import { fmt } from '../lib/format';

/** A vertical colour bar with tick values, like matplotlib's, and the current threshold marked. */
/** `note`: what the colours mean, in words, beside the bar (scikit-learn's view makes red mean normal). */
export function ColorBar({ scale, threshold, label, note }: { scale: DivergingScale; threshold: number; label: string; note?: string }) {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((u) => ({ u, v: scale.fromUnit(u) }));
  const tUnit = Math.max(0, Math.min(1, scale.toUnit(threshold)));
  return (
    <div className="colorbar" data-testid="color-bar">
      <div className="colorbar-label">{label}</div>
      {note && <div className="colorbar-note" data-testid="color-bar-note">{note}</div>}
      <div className="colorbar-body">
        <div className="colorbar-gradient" style={{ background: coolwarmGradient('to top') }}>
          <div className="colorbar-threshold" style={{ bottom: `${(100 * tUnit).toFixed(2)}%` }} title={`threshold ${fmt(threshold)}`} />
        </div>
        <div className="colorbar-ticks">
          {ticks.map((t) => (
            <span key={t.u} style={{ bottom: `${100 * t.u}%` }}>
              {t.u === 0 ? '≤ ' : t.u === 1 ? '≥ ' : ''}{fmt(t.v, 3)}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}
