import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const target = 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': { target, changeOrigin: false },
      '/oidc': { target, changeOrigin: false },
      '/.well-known': { target, changeOrigin: false },
    },
  },
});
