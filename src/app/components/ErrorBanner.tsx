import { useApp } from '../store';

export function ErrorBanner() {
  const error = useApp((s) => s.error);
  const hasData = useApp((s) => s.dataset !== null);
  if (!error) return null;
  return (
    <div className="error" role="alert" data-testid="error-message">
      <strong>Could not load the file.</strong> {error}
      {hasData && <span className="muted"> The data loaded before is still here.</span>}
      <button type="button" className="link" onClick={() => useApp.setState({ error: null })}>dismiss</button>
    </div>
  );
}
