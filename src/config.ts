import * as z from 'zod/mini';

/**
 * Each function's configuration, read from its environment and validated at
 * cold start. The template's Environment blocks are checked against these schemas.
 */
export type Env = Record<string, string | undefined>;

const int = (min: number, max: number, def: number) =>
  z._default(z.pipe(z.string(), z.pipe(z.transform(Number), z.number().check(z.int(), z.minimum(min), z.maximum(max)))), def);
const seconds = (def: number) => int(1, 7 * 24 * 3600, def);
const percent = (def: number) =>
  z._default(z.pipe(z.string(), z.pipe(z.transform(Number), z.number().check(z.minimum(0), z.maximum(100)))), def);
const list = (def: string) =>
  z.pipe(
    z._default(z.string(), def),
    z.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  );
const bool = (def: boolean) =>
  z.pipe(
    z._default(z.enum(['true', 'false', '1', '0']), def ? 'true' : 'false'),
    z.transform((v) => v === 'true' || v === '1'),
  );
const name = z.string().check(z.minLength(1));

const http = { ALLOWED_ORIGINS: list('') };
const bucket = { IMAGES_BUCKET_NAME: name };
const table = { IMAGES_TABLE_NAME: name };

/** The shortest HMAC secret accepted, wherever it comes from. */
export const MIN_JWT_SECRET_LENGTH = 16;

export const AuthorizerConfig = z
  .object({
    /** Local stack and tests: the secret itself. */
    JWT_SECRET: z.optional(z.string().check(z.minLength(MIN_JWT_SECRET_LENGTH, { error: 'JWT_SECRET must be at least 16 characters' }))),
    /** AWS: the Secrets Manager secret holding it (never the value in the function's configuration). */
    JWT_SECRET_ARN: z.optional(name),
    JWT_ALGORITHMS: z.pipe(list('HS256'), z.array(z.enum(['HS256', 'HS384', 'HS512'])).check(z.minLength(1))),
    JWT_USER_CLAIMS: z.pipe(list('user_id,sub'), z.array(z.string()).check(z.minLength(1))),
    JWT_REQUIRE_EXP: bool(true),
  })
  .check(
    z.refine((c) => (c.JWT_SECRET === undefined) !== (c.JWT_SECRET_ARN === undefined), {
      error: 'exactly one of JWT_SECRET and JWT_SECRET_ARN must be set',
    }),
  );

export const ReceiverConfig = z
  .object({
    ...http,
    ...bucket,
    ...table,
    SIGNED_URL_WRITE_EXPIRATION: seconds(60),
    WAITING_RECORD_TTL_SECONDS: seconds(24 * 3600),
  })
  .check(
    // A registration must outlive its upload URL, or a late upload would lose its posts.
    z.refine((c) => c.WAITING_RECORD_TTL_SECONDS >= c.SIGNED_URL_WRITE_EXPIRATION, {
      error: 'WAITING_RECORD_TTL_SECONDS must be at least SIGNED_URL_WRITE_EXPIRATION',
    }),
  );

export const AnalyzerConfig = z
  .object({
    ...bucket,
    ...table,
    MIN_CONFIDENCE: percent(75),
    CENSORED_LABEL: z._default(name, 'cat'),
    CENSORED_REJECTED_THRESHOLD: percent(90),
    CENSORED_UNDER_REVIEW_THRESHOLD: percent(50),
    LABEL_DETECTOR: z._default(
      z.string().check(z.regex(/^(rekognition|local|fixture:.*)$/, { error: 'LABEL_DETECTOR is rekognition, local or fixture:<path>' })),
      'rekognition',
    ),
    /** Must equal the queue's redrive maxReceiveCount: the last attempt marks the record failed. */
    ANALYZER_MAX_RECEIVE_COUNT: int(1, 1000, 3),
    /** How long a claim on an image's analysis holds before another invocation may take over. */
    ANALYSIS_LEASE_SECONDS: seconds(60),
    /** How long a concurrent upload of the same image waits for the claimant's result. */
    ANALYSIS_WAIT_SECONDS: int(0, 60, 5),
  })
  .check(
    z.refine((c) => c.CENSORED_UNDER_REVIEW_THRESHOLD <= c.CENSORED_REJECTED_THRESHOLD, {
      error: 'CENSORED_UNDER_REVIEW_THRESHOLD must not exceed CENSORED_REJECTED_THRESHOLD',
    }),
  );

export const ObtainConfig = z.object({ ...http, ...bucket, SIGNED_URL_READ_EXPIRATION: seconds(30) });
export const ScanConfig = z
  .object({
    ...http,
    ...table,
    /**
     * Local stack and tests: the secret that keys the scan's page tokens (their HMAC key is derived
     * from it with HKDF under a label of its own, so it may equal another secret without the keys meeting).
     */
    PAGE_TOKEN_SECRET: z.optional(z.string().check(z.minLength(16, { error: 'PAGE_TOKEN_SECRET must be at least 16 characters' }))),
    /** AWS: the Secrets Manager secret the template generates for it (only the scan function reads it). */
    PAGE_TOKEN_SECRET_ARN: z.optional(name),
  })
  .check(
    z.refine((c) => (c.PAGE_TOKEN_SECRET === undefined) !== (c.PAGE_TOKEN_SECRET_ARN === undefined), {
      error: 'exactly one of PAGE_TOKEN_SECRET and PAGE_TOKEN_SECRET_ARN must be set',
    }),
  );
export const ImagesConfig = z.object({ ...http, ...bucket, ...table });
export const HealthConfig = z.object({ ...http });

export const readConfig = <S extends z.ZodMiniType>(schema: S, env: Env): z.infer<S> => {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // A deployment error, not bad input: fail the cold start loudly (never echo values: secrets).
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
};

