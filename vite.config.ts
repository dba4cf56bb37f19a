import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
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
