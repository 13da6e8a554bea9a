import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { initialJsBudget } from './build/initial-js-budget.plugin';
import { precompress } from './build/precompress.plugin';
import { splitDocuments } from './build/split-documents.plugin';

const here = import.meta.dirname;
const api = process.env['CHATTER_API_URL'] ?? 'http://127.0.0.1:3000';

export default defineConfig(({ command }) => ({
  root: here,
  plugins: [
    splitDocuments(path.resolve(here, '../../libs/client/src/generated/graphql.ts')),
    react(),
    initialJsBudget({
      // The figure (≤ 130 KB gzipped). Each generated document is its own module
      // (splitDocuments), so a first screen carries only the documents it uses.
      maxGzipBytes: 130 * 1024,
      // The app shows one of these first: the sign-in form, or the chat list (a conversation is
      // a chunk of its own, fetched right after the list paints).
      firstScreens: ['src/sign-in/sign-in.page.tsx', 'src/chat/chat-app.tsx'],
    }),
    precompress(),
  ],
  // Apollo Client's development checks and DevTools prompt stay out of the production bundle.
  define: command === 'build' ? { 'globalThis.__DEV__': 'false' } : {},
  resolve: {
    alias: { '@chatter/client': path.resolve(here, '../../libs/client/src/index.ts') },
  },
  build: {
    outDir: path.resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    minify: 'terser',
    terserOptions: { compress: { passes: 2 }, format: { comments: false } },
    // Every browser that runs an es2022 bundle supports <link rel="modulepreload">.
    modulePreload: { polyfill: false },
  },
  server: {
    port: 4200,
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: true },
      '/files': { target: api, changeOrigin: true },
    },
  },
  preview: { port: 4300, proxy: { '/graphql': { target: api, ws: true, changeOrigin: true } } },
}));
