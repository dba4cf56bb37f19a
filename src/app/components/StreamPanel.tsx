/**
 * The stream panel (issue 19): replay the loaded series as a stream (play, pause, step, speed,
 * restart) or score a live one from `anomaly-lab stream --serve` on this machine; the stream's
 * timeline; the live figures against labels or windows, each with a sparkline; the alert list.
 */
import { fmt, fmtInt } from '../lib/format';
import { fullTime } from '../lib/time-ticks';
import { connectLive, disconnectLive, exportAlerts, pause, play, restart, setSpeed, setStreamRange, step, useStream, type Speed } from '../state/stream';
import { useApp } from '../store';
import type { Alert, Spark, SparkKey, StreamUpdate } from '../../workers/stream-api';
import { StreamTimeline } from './StreamTimeline';
import { memo, useState } from 'react';

const SPEEDS: [string, Speed][] = [['×1 (real time)', 1], ['×10', 10], ['×100', 100], ['as fast as possible', 'max']];

export function StreamPanel() {
  const update = useStream((s) => s.update);
  const error = useStream((s) => s.error);
  const hasData = useApp((s) => s.dataset !== null);
  const name = useApp((s) => s.dataset?.name ?? null);
  const [address, setAddress] = useState(useStream.getState().address);
  const state = update?.state ?? 'idle';
  const live = update?.source === 'live' ? update.live : null;
  const speed = useStream((s) => s.speed);
  return (
    <section className="panel stream-panel" data-testid="stream-panel">
      <h2>Stream</h2>
      <div className="stream-controls">
        <span className="muted small">Replay {name ? <strong>{name}</strong> : 'a loaded series'}:</span>
        <button type="button" data-testid="stream-play" disabled={!hasData || state === 'playing'} onClick={() => void play()}>▶ Play</button>
        <button type="button" data-testid="stream-pause" disabled={state !== 'playing'} onClick={() => void pause()}>❚❚ Pause</button>
        <button type="button" data-testid="stream-step" disabled={!hasData || state === 'playing' || state === 'ended'} onClick={() => void step(1)} title="Score the next point">Step</button>
        <label className="small">speed{' '}
          <select data-testid="stream-speed" value={String(speed)} onChange={(e) => void setSpeed(e.target.value === 'max' ? 'max' : (Number(e.target.value) as Speed))}>
            {SPEEDS.map(([label, v]) => <option key={label} value={String(v)}>{label}</option>)}
          </select>
        </label>
        <button type="button" data-testid="stream-restart" disabled={!hasData || update?.source !== 'replay'} onClick={() => void restart()} title="Back to the first point, with the stream options as they are now">↺ Restart</button>
        <Status update={update} />
      </div>
      <div className="stream-controls small">
        <span className="muted">Live:</span>
        <input type="text" data-testid="stream-address" placeholder="ws://127.0.0.1:8765 or a port" value={address} onChange={(e) => setAddress(e.target.value)} style={{ width: 200 }} />
        <button type="button" data-testid="stream-connect" disabled={address.trim() === ''} onClick={() => void connectLive(address)}>Connect</button>
        <button type="button" data-testid="stream-disconnect" disabled={!live || live.state === 'closed'} onClick={() => void disconnectLive()}>Disconnect</button>
        <span className="muted" data-testid="stream-loopback-note">to <code>anomaly-lab stream --serve PORT</code> on this machine only (127.0.0.1 / localhost): the data still never leaves this machine.</span>
      </div>
      {live && <LiveStatus live={live} />}
      {error && <div className="warn small" role="alert" data-testid="stream-error">{error}</div>}
      {update?.error && <div className="warn small" data-testid="stream-engine-error">{update.error}</div>}
      <StreamTimeline />
      {update?.figures && update.spark && <Figures update={update} spark={update.spark} />}
      <AlertList alerts={update?.alerts ?? EMPTY} kind={update?.kind ?? 'row'} alertsTotal={update?.alertsTotal ?? 0} errorsTotal={update?.errorsTotal ?? 0} started={!!update && update.source !== null} />
    </section>
  );
}

function Status({ update }: { update: StreamUpdate | null }) {
  if (!update || update.source === null) return <span className="muted small" data-testid="stream-status" data-points={0} data-state="idle">not started</span>;
  const total = update.total !== null ? ` / ${fmtInt(update.total)}` : '';
  return (
    <span className="small" data-testid="stream-status" data-points={update.points} data-state={update.state} data-alerts={update.alertsTotal} data-errors={update.errorsTotal} data-drifts={update.drifts} data-models={update.modelChanges}>
      <strong>{update.state}</strong> · {fmtInt(update.points)}{total} points{update.state === 'playing' || update.state === 'live' ? ` · ${fmtInt(Math.round(update.rate))} points/s` : ''} · {fmtInt(update.alertsTotal)} alerts{update.driftId ? ` · ${fmtInt(update.drifts)} drifts (${update.driftId})` : ''}{update.modelChanges ? ` · ${fmtInt(update.modelChanges)} model changes` : ''}
    </span>
  );
}

function LiveStatus({ live }: { live: NonNullable<StreamUpdate['live']> }) {
  const word = live.state === 'open' ? 'connected' : live.state === 'retrying' ? `connection dropped, retrying in ${fmt(live.retryIn, 2)} s (try ${live.attempts})` : live.state;
  return (
    <div className={`small ${live.state === 'retrying' ? 'note' : 'muted'}`} data-testid="stream-live" data-state={live.state} data-dropped={live.dropped} data-queued={live.queued}>
      {live.url}: {word}{live.lastError && live.state !== 'open' ? ` (${live.lastError})` : ''} · {fmtInt(live.queued)} waiting{live.dropped > 0 ? ` · ${fmtInt(live.dropped)} dropped (the page fell behind)` : ''}
    </div>
  );
}

const pct = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(3));

function Figures({ update, spark }: { update: StreamUpdate; spark: Spark }) {
  const f = update.figures!;
  const n = useStream((s) => s.settings.lastN);
  const mttd = f.eventAll?.meanTimeToDetect ?? null;
  const mttdText = mttd === null ? '–' : update.kind === 'time' ? `${fmt(mttd / 60000, 3)} min` : `${fmt(mttd, 3)} points`;
  // Per figure: its value over the last N and since the start, and the sparkline(s) of the last-N value (the NAB score, alerts and time to detect: since the start).
  const rows: [string, string, string, SparkKey[], string][] = [
    ['point-wise F1', pct(f.pointLast.f1), pct(f.pointAll.f1), ['pointF1Last'], 'point-f1'],
    ['point-wise precision / recall', `${pct(f.pointLast.precision)} / ${pct(f.pointLast.recall)}`, `${pct(f.pointAll.precision)} / ${pct(f.pointAll.recall)}`, ['pointPLast', 'pointRLast'], 'point-pr'],
    ['event-wise F1', pct(f.eventLast?.f1), pct(f.eventAll?.f1), ['eventF1Last'], 'event-f1'],
    ['event-wise precision / recall', `${pct(f.eventLast?.precision)} / ${pct(f.eventLast?.recall)}`, `${pct(f.eventAll?.precision)} / ${pct(f.eventAll?.recall)}`, ['eventPLast', 'eventRLast'], 'event-pr'],
    ['NAB score so far (standard)', '', f.nab === null ? '–' : fmt(f.nab, 4), ['nab'], 'nab'],
    ['alerts', '', fmtInt(f.alerts), ['alerts'], 'alerts'],
    ['mean time to detect', '', mttdText, ['mttd'], 'mttd'],
  ];
  return (
    <table className="stream-figures small" data-testid="stream-figures">
      <thead><tr><th /><th>last {fmtInt(n)}</th><th>since start</th><th>over time</th></tr></thead>
      <tbody>
        {rows.map(([label, last, all, key, id]) => (
          <tr key={id} data-testid={`figure-${id}`} data-all={all}>
            <td>{label}</td><td>{last}</td><td>{all}</td>
            <td><Sparkline series={key.map((k) => spark[k])} at={spark.at} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One or two series (precision solid, recall dashed) over the stream, on a shared scale. */
function Sparkline({ series, at }: { series: number[][]; at: number[] }) {
  const W = 120, H = 22;
  const finite = series.flat().filter((v) => Number.isFinite(v));
  if (finite.length < 2 || at.length < 2) return <svg className="sparkline" width={W} height={H} data-testid="sparkline" data-samples={0} />;
  let lo = Infinity, hi = -Infinity;
  for (const v of finite) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const a0 = at[0], a1 = at[at.length - 1];
  const lines = series.map((values) => {
    const pts: string[] = [];
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) continue;
      const x = ((at[i] - a0) / (a1 - a0 || 1)) * (W - 2) + 1;
      const y = H - 2 - ((values[i] - lo) / (hi - lo || 1)) * (H - 4);
      pts.push(`${x.toFixed(1)},${y.toFixed(1)}`);
    }
    return pts;
  });
  return (
    <svg className="sparkline" width={W} height={H} data-testid="sparkline" data-samples={lines[0].length}>
      <title>{`${fmt(lo, 3)} – ${fmt(hi, 3)}`}</title>
      {lines.map((pts, j) => <polyline key={j} className="line" strokeDasharray={j === 1 ? '3 2' : undefined} points={pts.join(' ')} />)}
    </svg>
  );
}

const EMPTY: Alert[] = [];
/** Rows drawn at most (the newest); the CSV export has every alert kept. */
const ROWS_SHOWN = 100;

/** Re-rendered only when the alerts change (the worker resends them only then). */
const AlertList = memo(function AlertList({ alerts, kind, alertsTotal, errorsTotal, started }: { alerts: Alert[]; kind: 'time' | 'row'; alertsTotal: number; errorsTotal: number; started: boolean }) {
  const fmtT = (t: number) => (Number.isNaN(t) ? '–' : kind === 'time' ? fullTime(t) : `point ${fmtInt(t + 1)}`);
  const shown = alerts.slice(-ROWS_SHOWN);
  const jump = (a: Alert) => {
    if (Number.isNaN(a.time)) return;
    // A span around the alert: its own length plus as much again on each side (at least ±50 points' worth).
    const { extent, points } = useStream.getState().update ?? { extent: null, points: 0 };
    const per = extent && points > 1 ? (extent[1] - extent[0]) / (points - 1) : 1;
    const half = Math.max(50 * per, a.end - a.time);
    setStreamRange([a.time - half, a.end + half]);
  };
  return (
    <div className="stream-alerts">
      <div className="plot-head small">
        <strong>Alerts</strong>
        <span className="muted">{started ? `${fmtInt(alertsTotal)} alerts, ${fmtInt(errorsTotal)} errors${shown.length < alertsTotal + errorsTotal ? ` (the latest ${shown.length} listed)` : ''}` : ''} · consecutive flagged points are one alert; click one to see it on the timeline</span>
        <button type="button" data-testid="alert-export" disabled={alertsTotal + errorsTotal === 0} onClick={() => void exportAlerts()}>Export CSV</button>
      </div>
      <div className="alert-scroll">
        <table className="small" data-testid="alert-list" data-count={shown.length}>
          <thead><tr><th>time</th><th>value</th><th>score</th><th>detector</th><th>points</th></tr></thead>
          <tbody>
            {shown.slice().reverse().map((a, i) => (a.kind === 'error' ? (
              <tr key={`${shown.length - i}`} className="alert-error" data-testid="alert-item" data-kind="error">
                <td>{fmtT(a.time)}</td><td colSpan={4} className="warn">error: {a.message}</td>
              </tr>
            ) : (
              <tr key={`${shown.length - i}`} className="alert-row" data-testid="alert-item" data-kind="alert" data-time={a.time} onClick={() => jump(a)}>
                <td>{fmtT(a.time)}</td><td>{fmt(a.value, 5)}</td><td>{fmt(a.score, 4)}</td><td>{a.detector}</td><td>{fmtInt(a.points)}</td>
              </tr>
            )))}
          </tbody>
        </table>
      </div>
    </div>
  );
});
