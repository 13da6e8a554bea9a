import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';

const here = import.meta.dirname;
const api = process.env['CHATTER_API_URL'] ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here,
  plugins: [react()],
  resolve: {
    alias: { '@chatter/client': path.resolve(here, '../../libs/client/src/index.ts') },
  },
  build: {
    outDir: path.resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    port: 4200,
    proxy: { '/graphql': { target: api, ws: true, changeOrigin: true } },
  },
  preview: { port: 4300, proxy: { '/graphql': { target: api, ws: true, changeOrigin: true } } },
});
