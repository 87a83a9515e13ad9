import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes } from 'aws-lambda';

/** SDK message attributes as the SQS API returns them (binary values are bytes). */
export type SdkMessageAttributes = Record<string, MessageAttributeValue>;

/** JSON-safe form used in the snapshot file: binary values as base64. */
export interface StoredMessageAttribute {
  dataType: string;
  stringValue?: string;
  binaryValue?: string;
}

function toBase64(value: Uint8Array | string): string {
  // The SDK hands out Uint8Array; accept an already-encoded string defensively.
  return typeof value === 'string' ? value : Buffer.from(value).toString('base64');
}

/** Lambda's SQS record shape: lower-camel keys, base64 binaries, list fields always present. */
export function toLambdaMessageAttributes(attributes: SdkMessageAttributes | undefined): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    result[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: toBase64(value.BinaryValue) } : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map(toBase64),
      dataType: value.DataType ?? 'String',
    };
  }
  return result;
}

export function toStoredMessageAttributes(
  attributes: SdkMessageAttributes | undefined,
): Record<string, StoredMessageAttribute> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  const result: Record<string, StoredMessageAttribute> = {};
  for (const [name, value] of Object.entries(attributes)) {
    result[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: toBase64(value.BinaryValue) } : {}),
    };
  }
  return result;
}

export function fromStoredMessageAttributes(
  stored: Record<string, StoredMessageAttribute> | undefined,
): SdkMessageAttributes | undefined {
  if (!stored || Object.keys(stored).length === 0) return undefined;
  const result: SdkMessageAttributes = {};
  for (const [name, value] of Object.entries(stored)) {
    result[name] = {
      DataType: value.dataType,
      ...(value.stringValue !== undefined ? { StringValue: value.stringValue } : {}),
      ...(value.binaryValue !== undefined ? { BinaryValue: Buffer.from(value.binaryValue, 'base64') } : {}),
    };
  }
  return result;
}
