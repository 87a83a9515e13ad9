/**
 * npm run build: one bundle per Lambda handler, as the template inlines them —
 * CommonJS (inline code is written to index.js), minified, @aws-sdk/* left to
 * the nodejs22.x runtime, which provides it.
 */
import { mkdir, stat } from 'node:fs/promises';
import { build } from 'esbuild';

export const FUNCTIONS = ['authorizer', 'receiver', 'analyzer', 'obtain', 'scan', 'images', 'health'] as const;

export const bundle = async (name: (typeof FUNCTIONS)[number], outdir = 'dist') => {
  const outfile = `${outdir}/${name}/index.js`;
  await build({
    entryPoints: [`src/handlers/${name}.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  return { name, outfile, bytes: (await stat(outfile)).size };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  await mkdir('dist', { recursive: true });
  for (const f of FUNCTIONS) {
    const r = await bundle(f);
    console.log(`${r.name.padEnd(11)} ${String(r.bytes).padStart(8)} bytes  ${r.outfile}`);
  }
}
