import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleEntry } from '../../../scripts/build.js';
import { twoColourJpeg } from '../../helpers/variant-images.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('the image processor as inline template code', () => {
  it('bundles to CommonJS with its WebAssembly embedded and makes variants in a plain node process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'variants-cjs-'));
    dirs.push(dir);
    const code = await bundleEntry('src/adapters/image-variants/index.ts');
    expect(code).not.toMatch(/require\(["'](sharp|jpeg-js|pica|pngjs|image-size)/); // everything is inside
    await writeFile(join(dir, 'package.json'), '{"type":"commonjs"}');
    await writeFile(join(dir, 'index.js'), code);
    await writeFile(join(dir, 'original.jpg'), await twoColourJpeg(800, 400, { orientation: 8 }));
    const script = `const { JsImageProcessor } = require('./index.js');
      new JsImageProcessor().makeVariants(require('fs').readFileSync('./original.jpg'))
        .then((vs) => console.log(JSON.stringify(vs.map((v) => [v.name, v.width, v.height, v.contentType, v.body[0], v.body[1]]))));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: dir });
    expect(JSON.parse(stdout)).toEqual([
      ['thumb', 160, 320, 'image/jpeg', 0xff, 0xd8],
      ['preview', 400, 800, 'image/jpeg', 0xff, 0xd8],
    ]);
  });
});
