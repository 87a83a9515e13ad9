import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretReader } from '../ports/secret-reader.js';

/** How long a secret's value is reused before it is read again (rotation takes effect within this). */
export const SECRET_CACHE_TTL_MS = 5 * 60_000;

interface Entry {
  value: Promise<string>;
  readAt: number;
}

/**
 * Secrets from AWS Secrets Manager (GetSecretValue, the string value), each kept for a TTL so
 * a warm function does not call the API per request, yet sees a rotated value within the TTL.
 * Concurrent reads share one call; if a refresh fails the last good value is kept (a
 * Secrets Manager outage must not log every user out) and the next read tries again.
 * A 16 KB string per secret is tiny, so the Powertools Parameters utility (≈ 8 KB more per
 * bundle, measured) would add weight for the same few lines.
 */
export class SecretsManagerSecretReader implements SecretReader {
  private readonly entries = new Map<string, Entry>();
  private readonly lastGood = new Map<string, string>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly ttlMs = SECRET_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  read(name: string): Promise<string> {
    const entry = this.entries.get(name);
    if (entry && this.now() - entry.readAt < this.ttlMs) return entry.value;
    const value = this.fetch(name).catch((e: unknown) => {
      this.entries.delete(name); // try again on the next read
      const last = this.lastGood.get(name);
      if (last === undefined) throw e;
      return last;
    });
    this.entries.set(name, { value, readAt: this.now() });
    return value;
  }

  private async fetch(name: string): Promise<string> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
    if (typeof out.SecretString !== 'string') throw new Error(`secret ${name} has no string value`);
    this.lastGood.set(name, out.SecretString);
    return out.SecretString;
  }
}
