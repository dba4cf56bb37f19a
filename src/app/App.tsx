import { useEffect, useState } from 'react';
import { DataPanel } from './components/DataPanel';
import { DetectorPanel } from './components/DetectorPanel';
import { ScatterPlot } from './components/ScatterPlot';
import { CurveView, ScoreHistogram } from './components/ScoreViews';
import { useApp } from './store';
import { ThresholdPanel } from './components/ThresholdPanel';
import { MetricsPanel } from './components/MetricsPanel';
import { StatusBar } from './components/StatusBar';
import { ErrorBanner } from './components/ErrorBanner';
import { startBackends } from './store';

export function App() {
  useEffect(() => startBackends(), []);
  return (
    <div className="app">
      <header className="topbar">
        <h1>Anomaly Lab</h1>
        <span className="muted">anomaly detection in your browser · your data never leaves this tab</span>
      </header>
      <ErrorBanner />
      <main className="layout">
        <aside className="left">
          <DataPanel />
          <DetectorPanel />
        </aside>
        <div className="centre">
          <CentreViews />
        </div>
        <aside className="right">
          <ThresholdPanel />
          <MetricsPanel />
        </aside>
      </main>
      <StatusBar />
    </div>
  );
}

const VIEWS = [
  ['scatter', 'Scatter'],
  ['histogram', 'Score histogram'],
  ['roc', 'ROC curve'],
  ['pr', 'Precision–recall'],
] as const;

function CentreViews() {
  const [view, setView] = useState<(typeof VIEWS)[number][0]>('scatter');
  const hasResult = useApp((s) => s.result !== null);
  return (
    <div className="centre-views">
      {hasResult && (
        <div className="tabs" role="tablist">
          {VIEWS.map(([id, label]) => (
            <button key={id} type="button" role="tab" aria-selected={view === id} data-testid={`tab-${id}`} className={view === id ? 'tab active' : 'tab'} onClick={() => setView(id)}>
              {label}
            </button>
          ))}
        </div>
      )}
      {view === 'scatter' || !hasResult ? (
        <ScatterPlot />
      ) : (
        <section className="panel plot-panel">{view === 'histogram' ? <ScoreHistogram /> : <CurveView kind={view} />}</section>
      )}
    </div>
  );
}
