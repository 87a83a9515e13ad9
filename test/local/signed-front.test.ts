import { createServer, type Server } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateSocket } from '../../src/local/private-socket.js';
import { startSignedFront, type SignedFront } from '../../src/local/signed-front.js';

const credentials = { accessKeyId: 'BOOTKEY', secretAccessKey: 'boot-secret' };
const region = 'us-east-1';

/** A SigV4-signed POST as an AWS SDK sends it (header form, body hashed into the signature). */
const signed = async (endpoint: string, body: string, o: { secret?: string; date?: Date; service?: string } = {}) => {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ credentials: { ...credentials, secretAccessKey: o.secret ?? credentials.secretAccessKey }, region, service: o.service ?? 'dynamodb', sha256: Sha256 });
  const req = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body,
    },
    { signingDate: o.date ?? new Date() },
  );
  return req.headers as Record<string, string>;
};

describe('signed front (the only way in to dynalite and local SQS)', () => {
  let upstream: Server;
  let front: SignedFront;
  let remove: () => Promise<void>;
  const seen: string[] = [];
  beforeAll(async () => {
    const socket = await privateSocket('echo');
    remove = socket.remove;
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echoed: body }));
      });
    });
    await new Promise<void>((r) => upstream.listen(socket.path, r));
    front = await startSignedFront({ host: '127.0.0.1', upstreamSocket: socket.path, service: 'dynamodb', region, credentials });
  });
  afterAll(async () => {
    await front?.close();
    await new Promise((r) => upstream?.close(r));
    await remove?.();
  });

  it('forwards a request signed with the boot credentials, body intact', async () => {
    const body = '{"Limit":1}';
    const res = await fetch(front.endpoint, { method: 'POST', headers: await signed(front.endpoint, body), body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ echoed: body });
  });

  it('refuses a body changed after signing, a wrong secret, another service, a stale date and no signature — none reach the stand-in', async () => {
    const before = seen.length;
    const body = '{"Limit":1}';
    const cases: [string, Record<string, string>, string, number, string][] = [
      ['tampered body', await signed(front.endpoint, body), '{"Limit":2}', 400, 'InvalidSignatureException'],
      ['wrong secret', await signed(front.endpoint, body, { secret: 'guess' }), body, 400, 'InvalidSignatureException'],
      ['other service', await signed(front.endpoint, body, { service: 'sqs' }), body, 400, 'InvalidSignatureException'],
      ['stale date', await signed(front.endpoint, body, { date: new Date(Date.now() - 20 * 60_000) }), body, 400, 'InvalidSignatureException'],
      ['unsigned', { 'content-type': 'application/x-amz-json-1.0' }, body, 403, 'MissingAuthenticationTokenException'],
    ];
    for (const [what, headers, sent, status, type] of cases) {
      const res = await fetch(front.endpoint, { method: 'POST', headers, body: sent });
      expect(res.status, what).toBe(status);
      expect(((await res.json()) as { __type: string }).__type, what).toContain(type);
    }
    expect(seen.length).toBe(before);
  });
});
