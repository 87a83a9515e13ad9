/**
 * `npm run build:cli`: the CLI as one ESM file, cli/dist/travellog.mjs (esbuild; every dependency
 * inlined), so `travellog` starts in well under half a second instead of compiling TypeScript
 * through tsx on each run. Run by `prepare` (npm ci / npm install / npm link), by `npm test` and
 * `npm start`; the bin also builds it on first use if it is missing.
 */
import { fileURLToPath } from 'node:url';

export const OUT_FILE = fileURLToPath(new URL('./dist/travellog.mjs', import.meta.url));

export const buildCli = async () => {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(new URL('./src/main.ts', import.meta.url))],
    outfile: OUT_FILE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // Bundled CommonJS dependencies (commander, cli-progress) still call require() for Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return OUT_FILE;
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await buildCli();
  } catch (e) {
    // `npm ci --omit=dev` has no esbuild: not a reason to fail the install (the bin says what to do).
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    console.error('travellog CLI not built: esbuild is missing (a dev dependency); run `npm ci` with dev dependencies.');
  }
}
