/**
 * The images table, defined once: the local stack creates it from this object and
 * the CloudFormation template is generated from it, so the two cannot drift.
 *
 * Item kinds (all under partition `image_key` = "<sha256>.<ext>"):
 * - image record  — sort `user_id` = "<user_id>": one user's copy of the image;
 * - placement     — sort `user_id` = "<user_id>#post#<post_id>": the image in one post;
 * - analysis      — sort `user_id` = "#analysis": the shared detection result.
 * User ids never contain '#', so the kinds never collide.
 *
 * Label index items live in a partition of their own per (image, user):
 * `image_key` = "<sha256>.<ext>#<user_id>", sort `user_id` = "#label#<name>"
 * (src/core/label-index.ts), indexed by `label-index`.
 */
export const INDEX = {
  byUser: 'user-index',
  byPost: 'post-index',
  byTrip: 'trip-index',
  byLocation: 'location-index',
  byLabel: 'label-index',
} as const;

export const ATTR = {
  partition: 'image_key',
  sort: 'user_id',
  createdAt: 'created_at',
  postKey: 'post_key',
  tripKey: 'trip_key',
  locationKey: 'location_key',
  labelKey: 'label_key',
  labelRank: 'label_rank',
  ttl: 'expires_at',
} as const;

/** Attributes the by-user index carries so a scan without grouping needs no second read. */
export const USER_INDEX_PROJECTION = ['file_name', 'status', 'rekognition_results', 'expires_at'];

const S = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
const groupIndex = (IndexName: string, key: string) => ({
  IndexName,
  KeySchema: [
    { AttributeName: key, KeyType: 'HASH' as const },
    { AttributeName: ATTR.partition, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: ['expires_at'] },
});

export const TABLE_DEFINITION = {
  AttributeDefinitions: [
    S(ATTR.partition),
    S(ATTR.sort),
    S(ATTR.createdAt),
    S(ATTR.postKey),
    S(ATTR.tripKey),
    S(ATTR.locationKey),
    S(ATTR.labelKey),
    S(ATTR.labelRank),
  ],
  KeySchema: [
    { AttributeName: ATTR.partition, KeyType: 'HASH' as const },
    { AttributeName: ATTR.sort, KeyType: 'RANGE' as const },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: INDEX.byUser,
      KeySchema: [
        { AttributeName: ATTR.sort, KeyType: 'HASH' as const },
        { AttributeName: ATTR.createdAt, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: USER_INDEX_PROJECTION },
    },
    groupIndex(INDEX.byPost, ATTR.postKey),
    groupIndex(INDEX.byTrip, ATTR.tripKey),
    groupIndex(INDEX.byLocation, ATTR.locationKey),
    {
      // "<user>#<label>" → images by confidence ("<hundredths>#<image_key>"): keys are all a scan needs.
      IndexName: INDEX.byLabel,
      KeySchema: [
        { AttributeName: ATTR.labelKey, KeyType: 'HASH' as const },
        { AttributeName: ATTR.labelRank, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' as const },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST' as const,
  TimeToLiveAttribute: ATTR.ttl,
};

/** Queue settings shared by the template and the local stack. */
export const QUEUE_DEFINITION = {
  /** Lambda's advice: visibility ≥ 6 × the function timeout. */
  analyzerTimeoutSeconds: 30,
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 3,
  batchSize: 10,
  maximumBatchingWindowSeconds: 1,
  messageRetentionSeconds: 4 * 24 * 3600,
  dlqRetentionSeconds: 14 * 24 * 3600,
};

/**
 * A deleted record stays as a marker this long, so that no notification still
 * queued for its upload (SQS keeps them up to the retention period) can recreate it.
 */
export const DELETION_MARKER_SECONDS = QUEUE_DEFINITION.messageRetentionSeconds + 24 * 3600;
