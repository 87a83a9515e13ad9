import { describe, expect, it } from 'vitest';
import { interpretBatchResponse } from '../../../src/local/sqs/batch-response.js';

const batch = new Set(['a', 'b', 'c']);

describe('interpretBatchResponse (Lambda partial batch response rules)', () => {
  it('treats void, null, {} and empty or null batchItemFailures as complete success', () => {
    for (const response of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(interpretBatchResponse(response, batch, true)).toEqual({ kind: 'all-succeeded' });
    }
  });

  it('fails only the listed messages', () => {
    const outcome = interpretBatchResponse({ batchItemFailures: [{ itemIdentifier: 'b' }] }, batch, true);
    expect(outcome).toEqual({ kind: 'partial', failedMessageIds: new Set(['b']) });
  });

  it.each([
    ['an id not in the batch', { batchItemFailures: [{ itemIdentifier: 'zzz' }] }],
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misspelt key', { batchItemFailures: [{ itemIdentifer: 'a' }] }],
    ['a bare string item', { batchItemFailures: ['a'] }],
    ['a non-list batchItemFailures', { batchItemFailures: 'a' }],
    ['a non-object response', 'oops'],
  ])('fails the whole batch for %s', (_label, response) => {
    expect(interpretBatchResponse(response, batch, true).kind).toBe('all-failed');
  });

  it('ignores the response entirely when ReportBatchItemFailures is off', () => {
    const response = { batchItemFailures: [{ itemIdentifier: 'a' }] };
    expect(interpretBatchResponse(response, batch, false)).toEqual({ kind: 'all-succeeded' });
  });
});
