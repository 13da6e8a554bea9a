import react from '@vitejs/plugin-react';
import path from 'node:path';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

/** Offline GraphiQL for GET /graphql: everything bundled, served by the API under /playground/. */
export default defineConfig({
  root: here,
  base: '/playground/',
  plugins: [react()],
  build: {
    outDir: path.resolve(here, '../../../dist/playground'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
  },
  logLevel: 'warn',
});
