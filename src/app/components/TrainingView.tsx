import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { trainingSecondsLeft, useApp } from '../store';
import { fmt, fmtInt } from '../lib/format';
import { detectorMeta } from '../../core/detectors/specs';

/** Train and validation loss per epoch, streamed from the worker while a detector trains in epochs. */
export function TrainingView() {
  const training = useApp((s) => s.training);
  // The job's state only: its progress ticks must not redraw the chart (they cost the page more CPU than the training).
  const jobState = useApp((s) => s.job.state);
  // Where the training runs: the fitting worker's backend (the pool's first), then the finished run's.
  const resultBest = useApp((s) => (s.result && s.training && s.result.detector === s.training.detector ? Number(s.result.info.details.best_epoch) || null : null));
  const backend = useApp((s) => (s.job.state === 'running' ? s.backends[0]?.backend : s.result?.backend ?? s.backends[0]?.backend) ?? null);
  if (!training || training.epochs.length === 0) {
    return (
      <div className="view-body empty" data-testid="loss-chart" data-epochs={0}>
        <p className="muted">{jobState === 'running' ? 'Waiting for the first epoch…' : 'Train an autoencoder to see its loss per epoch here.'}</p>
      </div>
    );
  }
  const last = training.epochs[training.epochs.length - 1];
  const left = trainingSecondsLeft(training);
  const running = jobState === 'running';
  const data = training.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, val: e.valLoss }));
  const hasVal = data.some((d) => d.val !== null);
  // Early stopping keeps the best epoch's weights (the recurrent autoencoders' best_epoch), not the last's.
  const best = resultBest ?? null;
  return (
    <div className="view-body training" data-testid="loss-chart" data-epochs={training.epochs.length}>
      <div className="small training-head" data-testid="training-status">
        epoch {last.epoch} / {last.epochs} · loss {fmt(last.loss, 4)}{last.valLoss !== null ? ` · validation ${fmt(last.valLoss, 4)}` : ''} · {fmtInt(last.rowsPerSecond)} {detectorMeta(training.detector).sequenceWindows ? 'windows' : 'rows'}/s{backend ? ` · on ${backend}` : ''}
        {running && left !== null ? ` · about ${left < 1 ? '<1' : Math.round(left)} s left` : ''}
        {!running && last.epoch < last.epochs ? ' · stopped early' : ''}
        {!running && best !== null && best < training.epochs.length ? ` · keeps epoch ${best}'s weights (lowest ${hasVal ? 'validation' : 'training'} loss)` : ''}
      </div>
      <ResponsiveContainer width="100%" height="90%">
        <LineChart accessibilityLayer={false} data={data} margin={{ top: 10, right: 16, bottom: 28, left: 8 }}>
          <CartesianGrid stroke="#e5e8ee" />
          <XAxis dataKey="epoch" type="number" domain={[1, Math.max(2, last.epochs)]} ticks={epochTicks(last.epochs)} allowDecimals={false} label={{ value: 'epoch', position: 'insideBottom', offset: -14 }} />
          <YAxis width={72} tickFormatter={(v: number) => fmt(v, 3)} label={{ value: 'mean squared error', angle: -90, position: 'insideLeft' }} domain={['auto', 'auto']} />
          <Tooltip isAnimationActive={false} formatter={(v) => fmt(Number(v), 5)} labelFormatter={(l) => `epoch ${l}`} />
          <Legend verticalAlign="top" height={24} />
          <Line dataKey="loss" name="training loss" stroke="#3b6fd6" strokeWidth={2} dot isAnimationActive={false} />
          {hasVal && <Line dataKey="val" name="validation loss" stroke="#c8473a" strokeWidth={2} dot isAnimationActive={false} />}
          {!running && best !== null && best < training.epochs.length && <ReferenceLine x={best} stroke="#555" strokeDasharray="4 3" label={{ value: 'kept', position: 'insideTopRight', fontSize: 11 }} />}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** 1 and round epoch numbers up to the last (steps of 1, 2, 5, 10, …; at most ~10 ticks). */
function epochTicks(epochs: number): number[] {
  const step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].find((s) => epochs / s <= 10) ?? Math.ceil(epochs / 10);
  const ticks = [1];
  for (let t = step; t <= epochs; t += step) if (t > 1) ticks.push(t);
  return ticks;
}
