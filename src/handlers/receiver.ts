import { DomainError } from '../core/errors.js';
import { formatFileName } from '../core/file-name.js';
import { MAX_BODY_BYTES, parseReceiverInput } from '../core/receiver-input.js';
import { documentClient } from '../adapters/aws-clients/dynamodb.js';
import { s3Client } from '../adapters/aws-clients/s3.js';
import { DynamoRecordStore } from '../adapters/dynamodb/record-store.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import { ReceiverConfig, type Env } from '../config.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RecordStore } from '../ports/record-store.js';
import { httpFunction, json, type Route } from './http.js';

export interface ReceiverDeps {
  records: RecordStore;
  objects: ObjectStore;
  writeExpiration: number;
  waitingTtlSeconds: number;
  now?: () => number;
}

/** POST /receiver: register an image of the token's user and hand out a checksum-bound upload URL. */
export const receiverRoute =
  ({ records, objects, writeExpiration, waitingTtlSeconds, now = Date.now }: ReceiverDeps): Route =>
  async (req) => {
    const userId = req.userId();
    if (!req.body?.length) throw new DomainError('validation_error', 'A JSON body is required.');
    if (req.body.length > MAX_BODY_BYTES) throw new DomainError('payload_too_large', `The body must not exceed ${MAX_BODY_BYTES} bytes.`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      throw new DomainError('invalid_json', 'The body is not valid JSON.');
    }
    const reg = parseReceiverInput(parsed);
    if (reg.userId !== userId) {
      throw new DomainError('forbidden', "user_id does not match the token's user.");
    }
    const { created } = await records.register(reg, now(), waitingTtlSeconds);
    const fileName = formatFileName(reg);
    const upload = await objects.presignUpload(fileName, {
      contentType: reg.contentType,
      sha256Hex: reg.imageHash,
      expiresIn: writeExpiration,
      ...(reg.byteSize !== undefined ? { contentLength: reg.byteSize } : {}),
    });
    return json(created ? 201 : 200, {
      file_name: fileName,
      upload_url: upload.url,
      expires_in: writeExpiration,
      upload_headers: upload.headers,
    });
  };

export const createReceiverHandler = (env: Env) =>
  httpFunction('receiver', env, ReceiverConfig, (c) =>
    receiverRoute({
      records: new DynamoRecordStore(documentClient(env), c.IMAGES_TABLE_NAME),
      objects: new S3ObjectStore(s3Client(env), c.IMAGES_BUCKET_NAME),
      writeExpiration: c.SIGNED_URL_WRITE_EXPIRATION,
      waitingTtlSeconds: c.WAITING_RECORD_TTL_SECONDS,
    }),
  );

export const handler = createReceiverHandler(process.env);
