import { z } from 'zod';

/**
 * Each function's configuration, read from its environment and validated at
 * cold start. The template's Environment blocks are checked against these schemas.
 */
export type Env = Record<string, string | undefined>;

const seconds = (def: number) => z.coerce.number().int().positive().max(7 * 24 * 3600).default(def);
const percent = (def: number) => z.coerce.number().min(0).max(100).default(def);
const list = (def: string) =>
  z
    .string()
    .default(def)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const http = { ALLOWED_ORIGINS: list('') };
const bucket = { IMAGES_BUCKET_NAME: z.string().min(1) };
const table = { IMAGES_TABLE_NAME: z.string().min(1) };

export const AuthorizerConfig = z.object({
  JWT_SECRET: z.string().min(16, 'JWT_SECRET must be at least 16 characters'),
  JWT_ALGORITHMS: list('HS256').pipe(z.array(z.enum(['HS256', 'HS384', 'HS512'])).min(1)),
  JWT_USER_CLAIMS: list('user_id,sub').pipe(z.array(z.string()).min(1)),
  JWT_REQUIRE_EXP: bool(true),
});

export const ReceiverConfig = z.object({
  ...http,
  ...bucket,
  ...table,
  SIGNED_URL_WRITE_EXPIRATION: seconds(60),
  WAITING_RECORD_TTL_SECONDS: seconds(24 * 3600),
});

export const AnalyzerConfig = z
  .object({
    ...bucket,
    ...table,
    MIN_CONFIDENCE: percent(75),
    CENSORED_LABEL: z.string().min(1).default('cat'),
    CENSORED_REJECTED_THRESHOLD: percent(90),
    CENSORED_UNDER_REVIEW_THRESHOLD: percent(50),
    LABEL_DETECTOR: z
      .string()
      .regex(/^(rekognition|local|fixture:.*)$/, 'LABEL_DETECTOR is rekognition, local or fixture:<path>')
      .default('rekognition'),
    /** Must equal the queue's redrive maxReceiveCount: the last attempt marks the record failed. */
    ANALYZER_MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).max(1000).default(3),
    /** How long a claim on an image's analysis holds before another invocation may take over. */
    ANALYSIS_LEASE_SECONDS: seconds(60),
    /** How long a concurrent upload of the same image waits for the claimant's result. */
    ANALYSIS_WAIT_SECONDS: z.coerce.number().min(0).max(60).default(5),
  })
  .refine((c) => c.CENSORED_UNDER_REVIEW_THRESHOLD <= c.CENSORED_REJECTED_THRESHOLD, {
    message: 'CENSORED_UNDER_REVIEW_THRESHOLD must not exceed CENSORED_REJECTED_THRESHOLD',
  });

export const ObtainConfig = z.object({ ...http, ...bucket, SIGNED_URL_READ_EXPIRATION: seconds(30) });
export const ScanConfig = z.object({ ...http, ...table });
export const ImagesConfig = z.object({ ...http, ...bucket, ...table });
export const HealthConfig = z.object({ ...http });

export const readConfig = <S extends z.ZodType>(schema: S, env: Env): z.infer<S> => {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // A deployment error, not bad input: fail the cold start loudly (never echo values: secrets).
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
};
