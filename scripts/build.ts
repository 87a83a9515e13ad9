/**
 * npm run build: one bundle per Lambda handler, as the template inlines them —
 * CommonJS (inline code is written to index.js), minified, @aws-sdk/* left to
 * the nodejs22.x runtime, which provides it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { FUNCTIONS } from '../src/infra/functions.js';

type Name = (typeof FUNCTIONS)[number]['name'];

/** One entry point bundled exactly as the template inlines code. */
export const bundleEntry = async (entry: string): Promise<string> => {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    charset: 'ascii', // inline YAML stays plain ASCII
    legalComments: 'none',
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text.trimEnd();
};

export const bundleCode = (name: Name): Promise<string> => bundleEntry(`src/handlers/${name}.ts`);

if (import.meta.url === `file://${process.argv[1]}`) {
  await mkdir('dist', { recursive: true });
  // The repository is "type": "module"; this makes dist/*/index.js load as the CommonJS it is, as in Lambda.
  await writeFile('dist/package.json', '{"type":"commonjs"}\n');
  for (const { name } of FUNCTIONS) {
    const code = await bundleCode(name);
    await mkdir(`dist/${name}`, { recursive: true });
    await writeFile(`dist/${name}/index.js`, code);
    console.log(`${name.padEnd(11)} ${String(Buffer.byteLength(code)).padStart(8)} bytes  dist/${name}/index.js`);
  }
}
