/**
 * How Lambda's SQS event source mapping reads a handler's result (AWS docs, "Handling errors
 * for an SQS event source": partial batch responses).
 * - ReportBatchItemFailures off: any resolved value means the whole batch succeeded.
 * - Complete success: null/undefined response, `{}`, or a null/empty `batchItemFailures`.
 * - Complete failure: a malformed response, an item without a non-empty string
 *   `itemIdentifier` (null, empty, or a misspelt key), or an id that is not in the batch.
 * - Otherwise only the listed messages failed.
 */
export type BatchOutcome =
  | { kind: 'all-succeeded' }
  | { kind: 'all-failed'; reason: string }
  | { kind: 'partial'; failedMessageIds: Set<string> };

const SUCCESS: BatchOutcome = { kind: 'all-succeeded' };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function interpretBatchResponse(
  response: unknown,
  batchMessageIds: ReadonlySet<string>,
  reportBatchItemFailures: boolean,
): BatchOutcome {
  if (!reportBatchItemFailures || response === undefined || response === null) return SUCCESS;
  // A string, number or array is not an SQSBatchResponse: retry rather than risk losing messages.
  if (!isPlainObject(response)) return { kind: 'all-failed', reason: 'handler response is not an object' };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return SUCCESS;
  if (!Array.isArray(failures)) return { kind: 'all-failed', reason: 'batchItemFailures is not a list' };

  const failedMessageIds = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = isPlainObject(failure) ? failure.itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '') {
      return { kind: 'all-failed', reason: `malformed batch item failure: ${JSON.stringify(failure)}` };
    }
    if (!batchMessageIds.has(id)) {
      return { kind: 'all-failed', reason: `itemIdentifier ${id} is not a message of this batch` };
    }
    failedMessageIds.add(id);
  }
  return failedMessageIds.size === 0 ? SUCCESS : { kind: 'partial', failedMessageIds };
}
