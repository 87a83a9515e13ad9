import { errors, jwtVerify } from 'jose';
import { userIdFromClaims } from '../core/claims.js';
import { MIN_JWT_SECRET_LENGTH } from '../config.js';
import { InvalidTokenError, type TokenVerifier } from '../ports/token-verifier.js';

export interface JwtSettings {
  /** The HMAC secret, or how to read its current value (a cached secret store read). */
  secret: string | (() => Promise<string>);
  algorithms: string[];
  userClaims: string[];
  requireExp: boolean;
  clockToleranceSeconds: number;
}

/** HS256 (or configured HMAC) JWTs minted by the backend-server with the shared secret. */
export class JoseTokenVerifier implements TokenVerifier {
  private readonly key: () => Promise<Uint8Array>;
  constructor(private readonly s: JwtSettings) {
    const secret = s.secret;
    const encode = (value: string) => {
      // A deployment error, not a bad token: never let it pass as a 401.
      if (value.length < MIN_JWT_SECRET_LENGTH) throw new Error(`the JWT secret must be at least ${MIN_JWT_SECRET_LENGTH} characters`);
      return new TextEncoder().encode(value);
    };
    if (typeof secret === 'string') {
      const key = encode(secret);
      this.key = async () => key;
    } else {
      this.key = async () => encode(await secret());
    }
  }

  async verify(token: string): Promise<string> {
    const key = await this.key(); // outside the try: a secret store failure is not an invalid token
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: this.s.algorithms, // never 'none', never an algorithm not configured
        clockTolerance: this.s.clockToleranceSeconds,
        requiredClaims: this.s.requireExp ? ['exp'] : [],
      }));
    } catch (e) {
      throw new InvalidTokenError(e instanceof errors.JOSEError ? e.code : 'malformed');
    }
    const userId = userIdFromClaims(payload, this.s.userClaims);
    if (!userId) throw new InvalidTokenError('no valid user claim');
    return userId;
  }
}
