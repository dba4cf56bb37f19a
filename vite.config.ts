import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The page's Content-Security-Policy (issue 14, section 6), as a meta tag in the built index.html.
 * Scripts only from this origin, plus 'wasm-unsafe-eval' for tfjs's WebAssembly; workers from this
 * origin (blob: for libraries that start one from a Blob); no inline script, no eval. Styles: the
 * built stylesheet only — React and recharts set style properties through the CSSOM (element.style),
 * which CSP does not govern, so no 'unsafe-inline' is needed for them. img-src data: for the
 * favicon (data:,). connect-src 'self': the samples and tfjs's .wasm files; plus the CLI's
 * `stream --serve` WebSocket on this machine only (issue 19's live input: ws:// to 127.0.0.1 or
 * localhost, any port; the stream worker checks the address too, core/stream/loopback.ts). frame-ancestors and report-uri cannot be set from a meta tag.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Puts the policy in the production build only (`vite build`, served by `vite preview` and the e2e
 * tests). The dev server (`npm start`) cannot run under it: it injects an inline script (React
 * Refresh's preamble) and adds each CSS import as an inline <style>, which a dev-only policy would
 * have to allow with 'unsafe-inline' — a weaker copy that could pass for the real one. So dev runs
 * without a policy, and the e2e tests, which use the build, hold the app to the strict one.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'anomaly-lab-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  optimizeDeps: {
    // Pre-bundled for the dev server: tfjs-backend-wasm's ESM imports CommonJS glue that the
    // dev server cannot serve raw (its .wasm files still come from the package with ?url).
    include: [
      'react', 'react-dom', 'react-dom/client', 'recharts', 'zustand', 'comlink', 'papaparse',
      '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu',
    ],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
