/** Where originals live (S3 in AWS; the verifying local S3 on one machine). */
export interface PresignedUpload {
  url: string;
  /** Exactly the headers the PUT must carry; the signature binds them. */
  headers: Record<string, string>;
}

export interface ObjectStore {
  /** A PUT URL bound to the key, the content type, the SHA-256 of the body and, when given, its exact length. */
  presignUpload(key: string, o: { contentType: string; sha256Hex: string; expiresIn: number; contentLength?: number }): Promise<PresignedUpload>;
  presignDownload(key: string, expiresIn: number): Promise<string>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** The first `bytes` bytes of the object (all of it when smaller) and its total size: one ranged read. */
  readStart(key: string, bytes: number): Promise<{ start: Uint8Array; size: number }>;
  /** The object's bytes; undefined when it is larger than `maxBytes` (not read). */
  read(key: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** Writes an object the system made (a variant). */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}
