/** Verifies a bearer token and returns the user id it speaks for. */
export interface TokenVerifier {
  /** Throws InvalidTokenError for any token that must not pass. */
  verify(token: string): Promise<string>;
}

export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(`invalid token: ${reason}`);
    this.name = 'InvalidTokenError';
  }
}
