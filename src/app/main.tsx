import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './components/ErrorBoundary';
import { testHook } from './store';
import './styles.css';
import { removeChartTabStops } from './lib/no-chart-tab-stops';

(globalThis as unknown as { __anomalyLab: ReturnType<typeof testHook> }).__anomalyLab = testHook();

removeChartTabStops();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary name="app">
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
