import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the API under /console/ (api/console-static.ts); assets are content-hashed, so the API
// caches them immutably. Every screen but the login is its own chunk (React.lazy in src/app.tsx).
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', sourcemap: false, chunkSizeWarningLimit: 400 },
});
