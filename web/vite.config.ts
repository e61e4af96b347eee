import { defineConfig } from 'vite';

// The binary serves the build under / (src/adapters/http/console_routes.cpp): hashed files
// under /assets/, and index.html for every page of the console. No inline script or style may
// appear in the output: the console's Content-Security-Policy admits only 'self'.
export default defineConfig({
  base: '/',
  build: {
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
