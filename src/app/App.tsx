import { useEffect, useRef, useState } from 'react';
import { DataPanel } from './components/DataPanel';
import { DetectorPanel } from './components/DetectorPanel';
import { ScatterPlot } from './components/ScatterPlot';
import { CurveView, ScoreHistogram } from './components/ScoreViews';
import { useApp } from './store';
import { ThresholdPanel } from './components/ThresholdPanel';
import { MetricsPanel } from './components/MetricsPanel';
import { StatusBar } from './components/StatusBar';
import { ErrorBanner } from './components/ErrorBanner';
import { TrainingView } from './components/TrainingView';
import { ExplainPanel } from './components/ExplainPanel';
import { startBackends } from './store';
import { ErrorBoundary } from './components/ErrorBoundary';
import { TimelineView } from './components/TimelineView';
import { ChecksPanel } from './components/ChecksPanel';
import { TunePanel } from './components/TunePanel';
import { ComparePanel } from './components/ComparePanel';
import { StreamPanel } from './components/StreamPanel';
import { ExportPanel } from './components/ExportPanel';
import { SidePanel } from './components/SidePanel';
import { FlaggedNav } from './components/FlaggedNav';
import { WindowDrop } from './components/WindowDrop';
import { StaleNote } from './components/StaleNote';

export function App() {
  useEffect(() => startBackends(), []);
  return (
    <div className="app">
      <header className="topbar">
        <h1>Anomaly Lab</h1>
        <span className="muted">anomaly detection in your browser · your data never leaves this tab</span>
      </header>
      <ErrorBoundary name="error banner"><ErrorBanner /></ErrorBoundary>
      {/* Each panel in its own boundary: one that fails to draw leaves the others and the data on screen. */}
      <main className="layout">
        <SidePanel>
          <ErrorBoundary name="data panel"><DataPanel /></ErrorBoundary>
          <ErrorBoundary name="detector panel"><DetectorPanel /></ErrorBoundary>
          <ErrorBoundary name="tune panel"><TunePanel /></ErrorBoundary>
        </SidePanel>
        <div className="centre">
          <StaleNote />
          <ErrorBoundary name="plot"><CentreViews /></ErrorBoundary>
          <ErrorBoundary name="stream panel"><StreamPanel /></ErrorBoundary>
          <ErrorBoundary name="compare panel"><ComparePanel /></ErrorBoundary>
        </div>
        <aside className="right">
          <ErrorBoundary name="threshold panel"><ThresholdPanel /></ErrorBoundary>
          <ErrorBoundary name="metrics panel"><MetricsPanel /></ErrorBoundary>
          <ErrorBoundary name="flagged rows"><FlaggedNav /></ErrorBoundary>
          <ErrorBoundary name="export panel"><ExportPanel /></ErrorBoundary>
          <ErrorBoundary name="explanation panel"><ExplainPanel /></ErrorBoundary>
          <ErrorBoundary name="checks panel"><ChecksPanel /></ErrorBoundary>
        </aside>
      </main>
      <ErrorBoundary name="status bar"><StatusBar /></ErrorBoundary>
      <WindowDrop />
    </div>
  );
}

const VIEWS = [
  ['scatter', 'Scatter'],
  ['timeline', 'Timeline'],
  ['histogram', 'Score histogram'],
  ['roc', 'ROC curve'],
  ['pr', 'Precision–recall'],
  ['training', 'Training loss'],
] as const;

function CentreViews() {
  const [view, setView] = useState<(typeof VIEWS)[number][0]>('scatter');
  const hasResult = useApp((s) => s.result !== null);
  const training = useApp((s) => s.training !== null);
  const jobState = useApp((s) => s.job.state);
  // While a model trains in epochs, show its loss; back to the plot when it is done (unless the user moved on).
  const auto = useRef(false);
  /** The view before training took over, to go back to. */
  const before = useRef<(typeof VIEWS)[number][0]>('scatter');
  useEffect(() => {
    if (training && jobState === 'running' && view !== 'training') {
      auto.current = true;
      before.current = view;
      setView('training');
    }
    if (jobState === 'done' && auto.current) {
      auto.current = false;
      if (view === 'training') setView(before.current);
    }
  }, [training, jobState]); // eslint-disable-line react-hooks/exhaustive-deps
  const hasData = useApp((s) => s.dataset !== null);
  // A series with a time column opens on the timeline (a scatter of a series against itself says little);
  // back to the scatter when the next file has none, unless the user chose the timeline.
  const datasetId = useApp((s) => s.datasetId);
  const timeColumn = useApp((s) => s.timeColumn);
  const autoTimeline = useRef(false);
  useEffect(() => {
    if (datasetId === null) return;
    if (timeColumn !== null && view === 'scatter') {
      autoTimeline.current = true;
      setView('timeline');
    } else if (timeColumn === null && autoTimeline.current && view === 'timeline') {
      autoTimeline.current = false;
      setView('scatter');
    }
  }, [datasetId, timeColumn]); // eslint-disable-line react-hooks/exhaustive-deps
  // Scatter and timeline need only data; the score views need a result.
  const views = VIEWS.filter(([id]) => (id === 'training' ? training : id === 'scatter' || id === 'timeline' || hasResult));
  const shown = (view === 'training' && !training) || (!hasResult && view !== 'training' && view !== 'timeline') ? 'scatter' : view;
  return (
    <div className="centre-views">
      {(hasResult || training || hasData) && (
        // WAI-ARIA tabs: one tab stop (the shown view), arrow keys / Home / End move between views.
        <div className="tabs" role="tablist" aria-label="Views" onKeyDown={(e) => {
          const i = views.findIndex(([id]) => id === shown);
          const next = e.key === 'ArrowRight' ? (i + 1) % views.length : e.key === 'ArrowLeft' ? (i - 1 + views.length) % views.length : e.key === 'Home' ? 0 : e.key === 'End' ? views.length - 1 : -1;
          if (next < 0 || i < 0) return;
          e.preventDefault();
          auto.current = false; autoTimeline.current = false;
          setView(views[next][0]);
          (e.currentTarget.querySelector(`#view-tab-${views[next][0]}`) as HTMLElement | null)?.focus();
        }}>
          {views.map(([id, label]) => (
            <button key={id} id={`view-tab-${id}`} type="button" role="tab" aria-selected={shown === id} aria-controls="view-panel" tabIndex={shown === id ? 0 : -1} data-testid={id === 'timeline' ? 'timeline-tab' : `tab-${id}`} className={shown === id ? 'tab active' : 'tab'} onClick={() => { auto.current = false; autoTimeline.current = false; setView(id); }}>
              {label}
            </button>
          ))}
        </div>
      )}
      <div id="view-panel" role={hasResult || training || hasData ? 'tabpanel' : undefined} aria-labelledby={hasResult || training || hasData ? `view-tab-${shown}` : undefined} className="view-panel">
      {shown === 'training' ? (
        <section className="panel plot-panel"><TrainingView /></section>
      ) : shown === 'timeline' ? (
        <TimelineView />
      ) : shown === 'scatter' ? (
        <ScatterPlot />
      ) : (
        <section className="panel plot-panel">{shown === 'histogram' ? <ScoreHistogram /> : <CurveView kind={shown} />}</section>
      )}
      </div>
    </div>
  );
}
