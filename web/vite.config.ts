import { defineConfig } from 'vite';

// The server (build/bin/obscura) serves dist from build/share/obscura/web: hashed names under /assets/ are cached
// for a year, index.html never. No inline scripts or styles anywhere, so the page runs under a strict CSP.
export default defineConfig({
  base: '/',
  build: {
    target: 'es2020',
    outDir: process.env.OBSCURA_WEB_OUT_DIR || 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0, // a data: URL inlined into CSS would need a looser img-src
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
