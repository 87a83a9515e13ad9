import { randomBytes } from 'node:crypto';

/** Request identifiers in the shapes S3 uses: 16 upper-case hex chars, and a base64 host id. */
export interface RequestIds {
  requestId: string;
  hostId: string;
}

export function newRequestIds(): RequestIds {
  return {
    requestId: randomBytes(8).toString('hex').toUpperCase(),
    hostId: randomBytes(48).toString('base64'),
  };
}
