import { DomainError } from '../core/errors.js';
import { ownedFileName } from '../core/ownership.js';
import { s3Client } from '../adapters/aws-clients/s3.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import { ObtainConfig, type Env } from '../config.js';
import type { ObjectStore } from '../ports/object-store.js';
import type * as z from 'zod/mini';
import type { ObtainUrl } from '../wire/obtain.js';
import { httpFunction, json, type Route } from './http.js';

export interface ObtainDeps {
  objects: ObjectStore;
  readExpiration: number;
}

/**
 * GET /obtain/{file_name}: 302 to a short-lived URL for the owner's existing
 * object; 401 for anyone else whether or not it exists; 404 for the owner's missing one.
 */
export const obtainRoute =
  ({ objects, readExpiration }: ObtainDeps): Route =>
  async (req) => {
    const fileName = ownedFileName(req.pathParameter('file_name'), req.userId()).fileName;
    if (!(await objects.exists(fileName))) throw new DomainError('not_found', `No image ${fileName}.`);
    const url = await objects.presignDownload(fileName, readExpiration);
    if (/\bapplication\/json\b/i.test(req.header('accept') ?? '')) return json(200, { url, expires_in: readExpiration } satisfies z.output<typeof ObtainUrl>);
    return { status: 302, headers: { Location: url } };
  };

export const createObtainHandler = (env: Env) =>
  httpFunction('obtain', env, ObtainConfig, (c) =>
    obtainRoute({ objects: new S3ObjectStore(s3Client(env), c.IMAGES_BUCKET_NAME), readExpiration: c.SIGNED_URL_READ_EXPIRATION }),
  );

export const handler = createObtainHandler(process.env);
