/**
 * The web console: `npm run build:web` → `web/dist/`, a static site for any host.
 * The API URL is runtime configuration: the build writes `config.json` from `VITE_API_URL`
 * (empty = the console's own origin), and a host may replace that file without rebuilding.
 * The local stack serves its own `/config.json` (see src/local/console.ts).
 */
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

/** `config.json` next to index.html, for the build and the dev server. */
const runtimeConfig = (): Plugin => {
  const body = () => `${JSON.stringify({ apiUrl: process.env.VITE_API_URL ?? '' }, null, 2)}\n`;
  return {
    name: 'travellog-runtime-config',
    configureServer(server) {
      server.middlewares.use('/config.json', (_req, res) => {
        res.setHeader('Content-Type', 'application/json');
        res.end(body());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'config.json', source: body() });
    },
  };
};

export default defineConfig({
  root,
  base: './', // relative asset URLs: the build works under any path of any static host
  plugins: [vue(), runtimeConfig()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { fs: { allow: [repo] } }, // the console imports the client from ../client/src
  logLevel: process.env.VITEST ? 'warn' : 'info',
});
