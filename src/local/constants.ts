/** Fixed identities of the local stack: cosmetic, but every local part must agree on them. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';
/**
 * Fixed credentials for a local S3, DynamoDB or SQS started on its own (tests). The stack never uses
 * them: it draws new ones on every boot (Stack.credentials), so this well-known key opens nothing there.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALACCESSKEY', secretAccessKey: 'local-secret-access-key' } as const;
export const LOCAL_HOST = '127.0.0.1';
