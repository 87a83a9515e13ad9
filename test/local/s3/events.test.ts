import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { describe, expect, it } from 'vitest';
import { encodeEventKey, nextSequencer, objectCreatedNotification } from '../../../src/local/s3/events.js';
import { s3TestEvent } from '../../../src/local/s3/index.js';

describe('local S3: event notifications', () => {
  it('encodes keys the way S3 notifications do', () => {
    expect(encodeEventKey('users/u1/my photo+1.jpg')).toBe('users/u1/my+photo%2B1.jpg');
    expect(encodeEventKey("a (1)!~'*-_.txt")).toBe('a+%281%29%21%7E%27*-_.txt');
    expect(encodeEventKey('ü/é=&?.png')).toBe('%C3%BC/%C3%A9%3D%26%3F.png');
    for (const key of ['x y/z+w', "q (1)!~'*.jpg", 'ü/é=&?%.png']) {
      expect(decodeURIComponent(encodeEventKey(key).replace(/\+/g, ' '))).toBe(key);
    }
  });

  it('issues strictly increasing hex sequencers', () => {
    const values = Array.from({ length: 50 }, () => nextSequencer());
    for (const value of values) expect(value).toMatch(/^[0-9A-F]{18}$/);
    const asNumbers = values.map((v) => BigInt(`0x${v}`));
    for (let i = 1; i < asNumbers.length; i++) expect(asNumbers[i]! > asNumbers[i - 1]!).toBe(true);
  });

  it('builds notifications that Powertools accepts, for every ObjectCreated kind', () => {
    for (const eventName of ['ObjectCreated:Put', 'ObjectCreated:CompleteMultipartUpload', 'ObjectCreated:Copy'] as const) {
      const notification = objectCreatedNotification({
        eventName,
        region: 'us-east-1',
        bucket: 'travellog-images',
        key: 'users/u1/a b.jpg',
        size: 12,
        eTag: '0123456789abcdef0123456789abcdef',
        accessKeyId: 'LOCALACCESSKEY',
        ids: { requestId: '0123456789ABCDEF', hostId: 'aG9zdA==' },
        time: new Date('2026-01-02T03:04:05.678Z'),
      });
      const record = S3Schema.parse(notification).Records[0]!;
      expect(record).toMatchObject({
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2026-01-02T03:04:05.678Z',
        eventName,
        userIdentity: { principalId: 'AWS:LOCALACCESSKEY' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': '0123456789ABCDEF', 'x-amz-id-2': 'aG9zdA==' },
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: 'travellog-images', arn: 'arn:aws:s3:::travellog-images' },
          object: { key: 'users/u1/a+b.jpg', size: 12, eTag: '0123456789abcdef0123456789abcdef' },
        },
      });
    }
  });

  it('builds the s3:TestEvent message', () => {
    const event = s3TestEvent('travellog-images') as Record<string, string>;
    expect(Object.keys(event)).toEqual(['Service', 'Event', 'Time', 'Bucket', 'RequestId', 'HostId']);
    expect(event).toMatchObject({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'travellog-images' });
    expect(new Date(event.Time!).toISOString()).toBe(event.Time);
    expect(event.RequestId).toMatch(/^[0-9A-F]{16}$/);
    expect(event.HostId).toMatch(/^[A-Za-z0-9+/=]+$/);
  });
});
