/** Reads the current value of a named secret (the JWT signing secret; later the webhook secret). */
export interface SecretReader {
  read(name: string): Promise<string>;
}
