import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
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
    VitePWA({
      // Our own worker (src/notifications/sw.ts) with the build's file list injected.
      strategies: 'injectManifest',
      srcDir: 'src/notifications',
      filename: 'sw.ts',
      injectRegister: false,
      injectManifest: {
        globPatterns: ['index.html', 'assets/*.{js,css}', 'icons/*.png', '*.{svg,js}'],
        globIgnores: ['**/*.{br,gz}'],
        maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
      },
      manifest: {
        name: 'Chatter',
        short_name: 'Chatter',
        description: 'Fast, private, self-hosted chat',
        id: '/',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#4f46e5',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: '/icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
    }),
    precompress(),
  ],
  // Apollo Client's development checks and DevTools prompt stay out of the production bundle.
  define: command === 'build' ? { 'globalThis.__DEV__': 'false' } : {},
  resolve: {
    alias: {
      '@chatter/client': path.resolve(here, '../../libs/client/src/index.ts'),
      '@chatter/sdk': path.resolve(here, '../../libs/sdk/src/index.ts'),
    },
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
      '/auth': { target: api, changeOrigin: true },
    },
  },
  preview: { port: 4300, proxy: { '/graphql': { target: api, ws: true, changeOrigin: true } } },
}));
