import { ANALYSIS_SORT_KEY } from '../../core/keys.js';
import type { Label } from '../../core/labels.js';
import type { VariantsInfo } from '../../core/variants.js';
import type { Analysis } from '../../ports/record-store.js';
import { epoch, iso, type Table } from './table.js';

const key = (imageKey: string) => ({ image_key: imageKey, user_id: ANALYSIS_SORT_KEY });

/** The shared analysis item (sort key `#analysis`): at most one detection per distinct image. */
export class AnalysisItems {
  constructor(private readonly table: Table) {}

  async get(imageKey: string): Promise<Analysis | undefined> {
    const item = await this.table.get(key(imageKey));
    if (!item) return undefined;
    const analysis: Analysis = {
      state: item.state as Analysis['state'],
      labels: (item.labels ?? []) as Label[],
      claimed_by: item.claimed_by as string | undefined,
      failure_reason: item.failure_reason as string | undefined,
    };
    if (item.variants) analysis.variants = item.variants as VariantsInfo;
    return analysis;
  }

  async claim(imageKey: string, claimant: string, nowMs: number, leaseSeconds: number): Promise<boolean> {
    const { written } = await this.table.updateIf({
      Key: key(imageKey),
      UpdateExpression: 'SET #state = :running, claimed_by = :c, claimed_at = :now, lease_until = :lease, labels = :empty',
      ConditionExpression: 'attribute_not_exists(#state) OR #state = :failed OR (#state = :running AND lease_until < :now_epoch)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':running': 'running',
        ':failed': 'failed',
        ':c': claimant,
        ':now': iso(nowMs),
        ':now_epoch': epoch(nowMs),
        ':lease': epoch(nowMs) + leaseSeconds,
        ':empty': [],
      },
    });
    return written;
  }

  async complete(imageKey: string, claimant: string, labels: Label[], nowMs: number, variants?: VariantsInfo): Promise<void> {
    await this.table.update({
      Key: key(imageKey),
      UpdateExpression:
        'SET #state = :done, labels = :labels, detected_by = :c, detected_at = :now' +
        (variants ? ', variants = :variants REMOVE lease_until, failure_reason' : ' REMOVE lease_until, failure_reason'),
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':done': 'done', ':labels': labels, ':c': claimant, ':now': iso(nowMs), ...(variants ? { ':variants': variants } : {}) },
    });
  }

  /** Variants made for an analysis done before they existed (or after its last user deleted them). */
  async setVariants(imageKey: string, variants: VariantsInfo): Promise<void> {
    await this.table.updateIf({
      Key: key(imageKey),
      UpdateExpression: 'SET variants = :variants',
      ConditionExpression: '#state = :done',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':variants': variants, ':done': 'done' },
    });
  }

  /** The variants' objects are being deleted (no user left): the next upload makes them again. */
  async dropVariants(imageKey: string): Promise<void> {
    await this.table.updateIf({
      Key: key(imageKey),
      UpdateExpression: 'REMOVE variants',
      ConditionExpression: 'attribute_exists(variants)',
    });
  }

  async abandon(imageKey: string, claimant: string, reason: string, nowMs: number): Promise<void> {
    await this.table.updateIf({
      Key: key(imageKey),
      UpdateExpression: 'SET #state = :failed, failure_reason = :reason, failed_at = :now REMOVE lease_until',
      ConditionExpression: '#state = :running AND claimed_by = :c',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':failed': 'failed', ':running': 'running', ':c': claimant, ':reason': reason, ':now': iso(nowMs) },
    });
  }
}
