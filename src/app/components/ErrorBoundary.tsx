import { Component, type ErrorInfo, type ReactNode } from 'react';

/**
 * Keeps a rendering error inside the part of the page that threw it: that part shows one line and
 * a retry button; the rest of the app, its data and its results stay on screen (React unmounts the
 * whole tree on an uncaught render error, which left a blank page). Wraps each panel in App.tsx,
 * and the app itself in main.tsx as a last resort.
 */
export class ErrorBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.name} failed to draw`, error, info.componentStack);
  }

  render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <section className="panel" role="alert" data-testid="panel-error">
        <strong>The {this.props.name} could not be drawn.</strong> {error.message.split('\n')[0]}
        <span className="muted"> The data and results are still loaded.</span>{' '}
        <button type="button" className="link" onClick={() => this.setState({ error: null })}>retry</button>
      </section>
    );
  }
}
