import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  optimizeDeps: {
    include: ['react', 'react-dom', 'react-dom/client', 'recharts', 'zustand', 'comlink', 'papaparse'],
    // tfjs is imported lazily from workers; its wasm files come from the package with ?url.
    exclude: ['@tensorflow/tfjs-backend-wasm'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
