import { useEffect } from 'react';
import { DataPanel } from './components/DataPanel';
import { DetectorPanel } from './components/DetectorPanel';
import { ScatterPlot } from './components/ScatterPlot';
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
          <ScatterPlot />
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
