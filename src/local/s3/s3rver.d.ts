/** The part of s3rver 3.x (an untyped CommonJS package) the local S3 uses. */
declare module 's3rver' {
  import type { Server } from 'node:http';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    vhostBuckets?: boolean;
    allowMismatchedSignatures?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    /** Creates the configured buckets (run() does this, then listens on TCP). */
    configureBuckets(): Promise<void>;
    /** A new http.Server with s3rver's app, listening on the given arguments (e.g. a unix socket path). */
    listen(path: string): Promise<Server>;
    close(): Promise<void>;
    httpServer?: Server;
  }

  export = S3rver;
}
