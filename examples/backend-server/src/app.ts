/**
 * A small TravelLog-shaped app server ("backend-server") that stores its
 * pictures in the backend-serverless instead of on its own disk:
 *
 *   POST   /posts                 multipart: trip_id, location_id, content + "pictures" files
 *   POST   /posts/:id/pictures    multipart: more pictures for an existing post (or a retry)
 *   GET    /posts/:id             the post and its pictures (listed through GET /scan?post_id=)
 *   GET    /pictures/:id/original 302 to a short-lived URL of the original (GET /obtain)
 *   GET    /pictures/:id          the picture's analysis (GET /images/{file_name})
 *   DELETE /pictures/:id          the Picture, and the original when no other picture uses it
 *   POST   /webhooks/travellog    the picture service's signed events: verified, applied once per
 *                                 `webhook-id`; a rejected (or deleted) picture is hidden from its post
 *
 * Users authenticate with the JWT the backend-server already issues (the same
 * secret as the backend-serverless), which is forwarded to the picture service.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { jwtVerify } from 'jose';
import pLimit from 'p-limit';
import { bytesSource, createClient, userIdFromToken, verifyWebhook, WebhookVerificationError, type ClientOptions, type NodeClient } from '../../../client/src/index.js';
import type { Picture, Post, Store } from './db.js';
import { fromServiceError, HttpError } from './errors.js';
import { readMultipart, type Limits, type ReceivedPicture } from './multipart.js';

export interface AppOptions {
  store: Store;
  /** The backend-serverless API, e.g. http://127.0.0.1:3000. */
  apiUrl: string;
  /** The JWT secret the backend-server signs its users' tokens with (shared with the backend-serverless). */
  jwtSecret: string;
  limits?: Partial<Limits>;
  /** Pictures of one request uploaded at once. */
  concurrency?: number;
  /** Extra client options (retries, a fetch for tests). */
  client?: Partial<ClientOptions>;
  /** The backend-serverless's WEBHOOK_SECRET (`whsec_…`); without it POST /webhooks/travellog answers 404. */
  webhookSecret?: string;
}

interface Authed {
  userId: string;
  api: NodeClient;
}

const positiveIdOrNull = (name: string, raw: string | undefined): number | null => {
  if (raw === undefined || raw.trim() === '') return null;
  if (!/^\d{1,15}$/.test(raw.trim()) || Number(raw) < 1) throw new HttpError(400, 'invalid_field', `${name} must be a positive integer.`);
  return Number(raw);
};

const idParam = (req: Request, name: string): number => {
  const raw = String(req.params[name] ?? '');
  if (!/^\d{1,15}$/.test(raw)) throw new HttpError(404, 'not_found', `No such ${name.replace(/_id$/, '')}.`);
  return Number(raw);
};

export const createApp = (o: AppOptions) => {
  const limits: Limits = { maxPictureBytes: 25 * 1024 * 1024, maxPictures: 20, ...o.limits };
  const secret = new TextEncoder().encode(o.jwtSecret);
  const app = express();
  app.disable('x-powered-by');

  /** The user's session (their JWT) → who they are, and a client that acts as them. */
  const authenticate = async (req: Request): Promise<Authed> => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw new HttpError(401, 'unauthorized', 'Sign in: send "Authorization: Bearer <token>".');
    try {
      await jwtVerify(token, secret, { algorithms: ['HS256', 'HS384', 'HS512'], clockTolerance: 30 });
    } catch {
      throw new HttpError(401, 'unauthorized', 'Your session is invalid or expired: sign in again.');
    }
    const userId = userIdFromToken(token);
    if (userId === undefined) throw new HttpError(401, 'unauthorized', 'Your session names no user.');
    return { userId: String(userId), api: createClient({ ...o.client, baseUrl: o.apiUrl, token }) };
  };

  const ownPost = (id: number, userId: string): Post => {
    const post = o.store.post(id);
    // Another user's post is not found, not forbidden: ids are not to be probed.
    if (!post || post.user_id !== userId) throw new HttpError(404, 'not_found', 'No such post.');
    return post;
  };
  const ownPicture = (id: number, userId: string): Picture & { file_name: string } => {
    const picture = o.store.picture(id);
    if (!picture || picture.user_id !== userId || !picture.file_name) throw new HttpError(404, 'not_found', 'No such picture.');
    return picture as Picture & { file_name: string };
  };

  const pictureView = (p: Picture, listed?: Set<string>) => ({
    id: p.id,
    file_name: p.file_name,
    original_name: p.original_name,
    content_type: p.content_type,
    size: p.size,
    url: `/pictures/${p.id}/original`,
    status: p.status,
    ...(listed ? { uploaded: p.file_name !== null && listed.has(p.file_name) } : {}),
  });

  /**
   * The assignment's flow, once per picture: a Picture row (its id is the picture_id),
   * the receiver call with the hash and every metadata field, the PUT of the original
   * (streamed from memory, exactly `upload_headers`), and `file_name` kept on the row.
   * A picture that fails leaves no row behind.
   */
  const storePictures = async (auth: Authed, post: Post, pictures: ReceivedPicture[]) => {
    const limit = pLimit(o.concurrency ?? 3);
    const results = await Promise.all(
      pictures.map((pic) =>
        limit(async () => {
          const row = await o.store.createPicture({
            post_id: post.id,
            user_id: auth.userId,
            original_name: pic.filename,
            content_type: pic.contentType,
            size: pic.bytes.length,
          });
          try {
            const stored = await auth.api.uploadPrepared(
              { source: bytesSource(pic.bytes, pic.filename), name: pic.filename, image_hash: pic.sha256, content_type: pic.contentType, size: pic.bytes.length },
              { post_id: post.id, picture_id: row.id, trip_id: post.trip_id, location_id: post.location_id, content: post.content },
            );
            await o.store.setFileName(row.id, stored.file_name);
            return { ok: true as const, picture: pictureView({ ...row, file_name: stored.file_name }) };
          } catch (e) {
            await o.store.deletePicture(row.id);
            return { ok: false as const, original_name: pic.filename, error: fromServiceError(e) };
          }
        }),
      ),
    );
    const stored = results.flatMap((r) => (r.ok ? [r.picture] : []));
    const failed = results.flatMap((r) => (r.ok ? [] : [r]));
    return { stored, failed };
  };

  /** 201 when every picture is stored; else the first failure's status, listing what was stored. */
  const answerStored = (res: Response, post: Post, { stored, failed }: Awaited<ReturnType<typeof storePictures>>) => {
    const body = { post: { id: post.id, trip_id: post.trip_id, location_id: post.location_id, content: post.content }, pictures: stored };
    if (!failed.length) return res.status(201).json(body);
    const first = failed[0]!.error;
    if (first.status === 503) res.set('Retry-After', '5');
    res.status(first.status).json({
      error: first.code,
      message: `${failed.length} of ${failed.length + stored.length} pictures were not stored: ${failed[0]!.original_name}: ${first.message}`,
      ...body,
      failed: failed.map((f) => ({ original_name: f.original_name, error: f.error.code, message: f.error.message, ...f.error.extra })),
    });
  };

  const route =
    (handler: (req: Request, res: Response) => Promise<unknown>) =>
    (req: Request, res: Response, next: NextFunction): void => {
      handler(req, res).catch(next);
    };

  app.post(
    '/posts',
    route(async (req, res) => {
      const auth = await authenticate(req);
      const form = await readMultipart(req, limits);
      if (!form.pictures.length) throw new HttpError(400, 'no_pictures', 'A post needs at least one picture (multipart files named "pictures").');
      const post = await o.store.createPost({
        user_id: auth.userId,
        trip_id: positiveIdOrNull('trip_id', form.fields.trip_id),
        location_id: positiveIdOrNull('location_id', form.fields.location_id),
        content: form.fields.content ?? '',
      });
      answerStored(res, post, await storePictures(auth, post, form.pictures));
    }),
  );

  app.post(
    '/posts/:post_id/pictures',
    route(async (req, res) => {
      const auth = await authenticate(req);
      const post = ownPost(idParam(req, 'post_id'), auth.userId);
      const form = await readMultipart(req, limits);
      if (!form.pictures.length) throw new HttpError(400, 'no_pictures', 'Send one or more multipart files named "pictures".');
      answerStored(res, post, await storePictures(auth, post, form.pictures));
    }),
  );

  app.get(
    '/posts/:post_id',
    route(async (req, res) => {
      const auth = await authenticate(req);
      const post = ownPost(idParam(req, 'post_id'), auth.userId);
      // What the picture service holds for this post (uploaded pictures; not those still waiting for their bytes),
      // every page of it (a page holds at most 1,000).
      const scan = await auth.api.scanAll({ post_id: post.id });
      const listed = new Set(scan.images);
      // Hidden: rejected by moderation or deleted in the picture service (told by the webhook).
      const shown = o.store.picturesOf(post.id).filter((p) => p.file_name && !p.hidden);
      res.json({ post, pictures: shown.map((p) => pictureView(p, listed)) });
    }),
  );

  app.get(
    '/pictures/:picture_id/original',
    route(async (req, res) => {
      const auth = await authenticate(req);
      const picture = ownPicture(idParam(req, 'picture_id'), auth.userId);
      const { url } = await auth.api.obtainUrl(picture.file_name);
      res.set('Cache-Control', 'no-store').redirect(302, url);
    }),
  );

  app.get(
    '/pictures/:picture_id',
    route(async (req, res) => {
      const auth = await authenticate(req);
      const picture = ownPicture(idParam(req, 'picture_id'), auth.userId);
      const record = await auth.api.status(picture.file_name);
      res.json({
        ...pictureView(picture),
        status: record.status,
        labels: record.rekognition_results,
        failure_reason: record.failure_reason,
      });
    }),
  );

  app.delete(
    '/pictures/:picture_id',
    route(async (req, res) => {
      const auth = await authenticate(req);
      const picture = ownPicture(idParam(req, 'picture_id'), auth.userId);
      await o.store.deletePicture(picture.id);
      // The same photo may be in another post of this user: the original goes with its last picture.
      if (o.store.usesOf(auth.userId, picture.file_name) === 0) await auth.api.delete(picture.file_name);
      res.status(204).end();
    }),
  );

  /**
   * The picture service tells us when a picture is analysed or deleted (Standard
   * Webhooks). The raw body is verified before anything is parsed; a delivery seen
   * before (same webhook-id: it is retried until we answer 2xx) is acknowledged
   * and not applied again.
   */
  app.post(
    '/webhooks/travellog',
    express.raw({ type: () => true, limit: '256kb' }),
    route(async (req, res) => {
      if (!o.webhookSecret) throw new HttpError(404, 'not_found', 'No such route.');
      let event;
      try {
        event = verifyWebhook(req.headers, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), o.webhookSecret);
      } catch (e) {
        if (e instanceof WebhookVerificationError) throw new HttpError(401, 'invalid_signature', `Webhook refused: ${e.message}.`);
        throw new HttpError(400, 'invalid_webhook', 'The webhook body is not JSON.');
      }
      const { data } = event;
      const deleted = event.type === 'image.deleted';
      const status = deleted ? 'deleted' : data.status!;
      const applied = await o.store.applyWebhook(String(req.headers['webhook-id']), {
        user_id: data.user_id,
        file_name: data.file_name,
        status,
        hidden: deleted || status === 'rejected',
      });
      res.status(200).json({ applied });
    }),
  );

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: 'No such route.' });
  });

  app.use((e: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const h = fromServiceError(e);
    if (h.status >= 500 && h.code === 'internal_error') console.error('backend-server example:', e);
    if (h.status === 503) res.set('Retry-After', '5');
    res.status(h.status).json({ error: h.code, message: h.message, ...h.extra });
  });

  return app;
};
