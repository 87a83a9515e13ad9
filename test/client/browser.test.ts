import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, ScanQuery, UploadRefusedError } from '../../client/src/browser.js';
import { mintToken } from '../../src/local/token.js';
import { sha256, solidPng } from '../helpers/images.js';
import { bootStack, type Booted } from '../helpers/stack-harness.js';

describe('the browser entry', () => {
  it('bundles for the browser with no Node built-in anywhere in its import graph', async () => {
    const result = await build({
      entryPoints: [new URL('../../client/src/browser.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.endsWith('client/src/browser.ts'))).toBe(true);
    expect(inputs.filter((i) => /^node:|(^|\/)node_modules\/(@types\/node|undici)\//.test(i))).toEqual([]);
    // The wire types are type-only views of src/wire's zod schemas: no schema code reaches the browser.
    expect(inputs.filter((i) => /node_modules\/zod\//.test(i))).toEqual([]);
    expect(inputs.some((i) => i.endsWith('src/wire/constants.ts'))).toBe(true);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/\bfrom\s*["']node:|require\(["'](node:)?(fs|crypto|path|stream|http|https)["']\)/);
  });

  describe('against the local stack (fetch, Blob, SHA-256 by Web Crypto in place: no Worker in Node)', () => {
    let booted: Booted;
    beforeAll(async () => {
      booted = await bootStack();
    });
    afterAll(() => booted?.stack.stop());

    it('uploads a Blob, finds it, and reports a refused upload', async () => {
      const client = createClient({ baseUrl: booted.stack.url, getToken: () => mintToken('web-1') });
      const photo = solidPng([11, 22, 33]);
      const progress: string[] = [];
      const up = await client.uploadPicture(new Blob([new Uint8Array(photo)], { type: 'image/png' }), { post_id: 3, picture_id: 1 }, {
        onProgress: (p) => progress.push(p.phase),
      });
      expect(up.file_name).toBe(`web-1-${sha256(photo)}.png`);
      expect(progress).toContain('uploading');
      await client.waitForAnalysis(up.file_name);
      expect((await client.scan(ScanQuery.byPost(3))).images).toEqual([up.file_name]);

      // Bytes that change between hash and upload: S3 refuses them.
      const honest = solidPng([11, 22, 34]);
      const other = Buffer.from(honest);
      other.writeUInt8(other.readUInt8(other.length - 20) ^ 1, other.length - 20);
      let n = 0;
      const e = await client
        .uploadPicture({ name: 'x.png', size: honest.length, stream: () => new Blob([new Uint8Array(n++ ? other : honest)]).stream() }, { post_id: 3, picture_id: 2 })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UploadRefusedError);
      expect(e).toMatchObject({ s3Code: 'BadDigest' });
    });
  });
});
