import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * The only way in to a local stand-in (dynalite, local-aws-sqs): a loopback HTTP server that
 * verifies each request's SigV4 signature against the stack's per-boot credentials, then
 * forwards it to the stand-in on its unix socket (in a 0700 directory). The stand-ins check no
 * signature themselves, so without this any local process could read every record or inject
 * S3 events.
 */

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignedFrontOptions {
  host: string;
  port?: number;
  /** The stand-in's unix socket. */
  upstreamSocket: string;
  /** SigV4 service name: `dynamodb`, `sqs`. */
  service: string;
  region: string;
  credentials: Credentials;
  now?: () => Date;
}

export interface SignedFront {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** DynamoDB's largest request (BatchWriteItem) is 16 MB; SQS's is 1 MiB. */
const MAX_BODY_BYTES = 17 * 1024 * 1024;
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

const parseAmzDate = (text: string | undefined): Date | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
};

/** Throws a Refusal unless `req` + `body` carry a valid SigV4 header signature by `o.credentials`. */
export async function verifySignature(
  req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>,
  body: Buffer,
  o: Pick<SignedFrontOptions, 'service' | 'region' | 'credentials' | 'now'>,
): Promise<void> {
  const authorization = headerValue(req.headers, 'authorization');
  if (!authorization) throw new Refusal(403, 'MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  const m = AUTHORIZATION.exec(authorization);
  if (!m) throw new Refusal(400, 'IncompleteSignatureException', 'The Authorization header is not a SigV4 header signature.');
  const [, accessKeyId, credentialDate, region, service, signedHeaderList, signature] = m as unknown as string[];
  if (accessKeyId !== o.credentials.accessKeyId) {
    throw new Refusal(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (region !== o.region || service !== o.service) {
    throw new Refusal(400, 'InvalidSignatureException', `Credential should be scoped to ${o.region}/${o.service}.`);
  }
  const amzDate = headerValue(req.headers, 'x-amz-date');
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate || amzDate!.slice(0, 8) !== credentialDate) {
    throw new Refusal(400, 'IncompleteSignatureException', 'X-Amz-Date is missing or does not match the credential scope.');
  }
  const now = o.now?.() ?? new Date();
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new Refusal(400, 'InvalidSignatureException', 'Signature expired: the request time is more than 15 minutes from now.');
  }
  const signedNames = signedHeaderList!.split(';');
  if (!signedNames.includes('host')) throw new Refusal(400, 'InvalidSignatureException', 'The host header must be signed.');
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of signedNames) {
    const value = headerValue(req.headers, name);
    if (value === undefined) throw new Refusal(400, 'InvalidSignatureException', `Signed header ${name} is missing.`);
    headers[name] = value;
  }
  // A signed x-amz-content-sha256 stands for the body in the signature: it must be the body's.
  const declared = headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== createHash('sha256').update(body).digest('hex')) {
    throw new Refusal(400, 'InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const url = new URL(req.url ?? '/', 'http://local');
  const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of url.searchParams) {
    const prior = query[k];
    query[k] = prior === undefined ? v : [...(Array.isArray(prior) ? prior : [prior]), v];
  }
  const signer = new SignatureV4({ credentials: o.credentials, region: o.region, service: o.service, sha256: Sha256, uriEscapePath: true, applyChecksum: false });
  const expected = await signer.sign(
    { method: req.method ?? 'GET', protocol: 'http:', hostname: headers.host ?? '', path: decodeURIComponent(url.pathname), query, headers: { ...headers }, body },
    { signingDate, signableHeaders: new Set(signedNames), unsignableHeaders: new Set() },
  );
  const expectedSignature = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization ?? expected.headers.Authorization))?.[1] ?? '';
  if (expectedSignature.length !== 64 || !timingSafeEqual(Buffer.from(expectedSignature), Buffer.from(signature!))) {
    throw new Refusal(
      400,
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const pieces: Buffer[] = [];
  let size = 0;
  for await (const piece of req as AsyncIterable<Buffer>) {
    size += piece.length;
    if (size > MAX_BODY_BYTES) throw new Refusal(413, 'RequestEntityTooLarge', 'Request body too large.');
    pieces.push(piece);
  }
  return Buffer.concat(pieces);
};

const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, socketPath: string) =>
  new Promise<void>((resolve, reject) => {
    const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    headers['content-length'] = String(body.length);
    // One connection per request: no idle keep-alive socket can be closed under a reuse.
    const upstream = request({ socketPath, method: req.method, path: req.url, headers, agent: false }, (answer) => {
      const relayed: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) relayed[name] = value;
      res.writeHead(answer.statusCode ?? 502, relayed);
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });

const refuse = (res: ServerResponse, status: number, type: string, message: string) => {
  if (res.headersSent) return void res.destroy();
  const body = JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message });
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': Buffer.byteLength(body), 'x-amzn-query-error': `${type};Sender` });
  res.end(body);
};

export async function startSignedFront(o: SignedFrontOptions): Promise<SignedFront> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        await verifySignature(req, body, o);
        await forward(req, body, res, o.upstreamSocket);
      } catch (e) {
        if (e instanceof Refusal) return refuse(res, e.status, e.type, e.message);
        console.error(`[local ${o.service}] forward failed:`, e);
        refuse(res, 500, 'InternalFailure', 'The local stand-in did not answer.');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    endpoint: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
