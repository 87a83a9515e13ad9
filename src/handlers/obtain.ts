import { DomainError } from '../core/errors.js';
import { ownedFileName } from '../core/ownership.js';
import { s3Client } from '../adapters/aws-clients/s3.js';
import { isObtainable, OBTAINABLE, variantKey } from '../core/variants.js';
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

/** `?variant=` once, one of OBTAINABLE; absent = the original. */
const requestedVariant = (values: string[] | undefined) => {
  if (!values || values.length === 0) return 'original';
  const [v] = values;
  if (values.length > 1 || !isObtainable(v!)) {
    throw new DomainError('unknown_variant', `variant must be one of ${OBTAINABLE.join(', ')} (once); got "${values.join(',').slice(0, 40)}".`);
  }
  return v!;
};

/**
 * GET /obtain/{file_name}[?variant=thumb|preview|original]: 302 to a short-lived URL for the
 * owner's existing object (or its variant, shared by every user of the same image); 401 for
 * anyone else whether or not it exists; 404 for the owner's missing one, 404 variant_not_ready
 * while the variant is not made.
 */
export const obtainRoute =
  ({ objects, readExpiration }: ObtainDeps): Route =>
  async (req) => {
    const { fileName, imageKey } = ownedFileName(req.pathParameter('file_name'), req.userId());
    const variant = requestedVariant(req.query.variant);
    // The owner's original decides ownership of its variants: a deleted original has none.
    if (!(await objects.exists(fileName))) throw new DomainError('not_found', `No image ${fileName}.`);
    let key = fileName;
    if (variant !== 'original') {
      key = variantKey(imageKey, variant);
      if (!(await objects.exists(key))) throw new DomainError('variant_not_ready', `The ${variant} of ${fileName} is not made yet; try again shortly.`);
    }
    const url = await objects.presignDownload(key, readExpiration);
    if (/\bapplication\/json\b/i.test(req.header('accept') ?? '')) return json(200, { url, expires_in: readExpiration } satisfies z.output<typeof ObtainUrl>);
    return { status: 302, headers: { Location: url } };
  };

export const createObtainHandler = (env: Env) =>
  httpFunction('obtain', env, ObtainConfig, (c) =>
    obtainRoute({ objects: new S3ObjectStore(s3Client(env), c.IMAGES_BUCKET_NAME), readExpiration: c.SIGNED_URL_READ_EXPIRATION }),
  );

export const handler = createObtainHandler(process.env);
