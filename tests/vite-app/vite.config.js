import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  // The SDK loads its .wasm with `new URL(..., import.meta.url)`: keep it out of pre-bundling.
  optimizeDeps: { exclude: ['xmpp-ftw-wasm'] },
});
