/** Fixed identities of the local stack: cosmetic, but every local part must agree on them. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';
/** Local credentials: the S3 layer verifies SigV4 signatures made with exactly these. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALACCESSKEY', secretAccessKey: 'local-secret-access-key' } as const;
export const LOCAL_HOST = '127.0.0.1';
