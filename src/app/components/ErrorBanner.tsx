import { useApp, retryAsLatin1 } from '../store';

export function ErrorBanner() {
  const error = useApp((s) => s.error);
  const hasData = useApp((s) => s.dataset !== null);
  const canRetry = useApp((s) => s.encodingRetry !== null);
  if (!error) return null;
  return (
    <div className="error" role="alert" data-testid="error-message">
      <strong>Could not load the file.</strong> {error}
      {hasData && <span className="muted"> The data loaded before is still here.</span>}
      {canRetry && <button type="button" data-testid="retry-latin1" onClick={() => void retryAsLatin1()}>Read as Latin-1 / Windows-1252</button>}
      <button type="button" className="link" onClick={() => useApp.setState({ error: null })}>dismiss</button>
    </div>
  );
}
