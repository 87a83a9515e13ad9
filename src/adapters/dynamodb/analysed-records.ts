import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ANALYSED } from '../../core/image-record.js';
import type { AnalysedRecord, AnalysedRecords, ReadPosition } from '../../ports/analysed-records.js';

/**
 * The backfill's read: a parallel `Scan` of the images table keeping analysed image records.
 * Maintenance only — the request paths never Scan (docs/data-model.md).
 */
export class DynamoAnalysedRecords implements AnalysedRecords {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** Items examined per request (1 MB is DynamoDB's own cap per page). */
    private readonly pageSize = 500,
  ) {}

  async page(segment: number, segments: number, after: ReadPosition | undefined) {
    const statuses = Object.fromEntries(ANALYSED.map((s, i) => [`:s${i}`, s]));
    const res = await this.db.send(
      new ScanCommand({
        TableName: this.table,
        Segment: segment,
        TotalSegments: segments,
        Limit: this.pageSize,
        ExclusiveStartKey: after,
        FilterExpression: `#s IN (${Object.keys(statuses).join(', ')}) AND attribute_exists(#c)`,
        ProjectionExpression: 'image_key, user_id, rekognition_results',
        ExpressionAttributeNames: { '#s': 'status', '#c': 'created_at' },
        ExpressionAttributeValues: statuses,
      }),
    );
    return { records: (res.Items ?? []) as AnalysedRecord[], next: res.LastEvaluatedKey };
  }
}
