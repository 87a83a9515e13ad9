import { errors, jwtVerify } from 'jose';
import { userIdFromClaims } from '../core/claims.js';
import { InvalidTokenError, type TokenVerifier } from '../ports/token-verifier.js';

export interface JwtSettings {
  secret: string;
  algorithms: string[];
  userClaims: string[];
  requireExp: boolean;
  clockToleranceSeconds: number;
}

/** HS256 (or configured HMAC) JWTs minted by the backend-server with the shared secret. */
export class JoseTokenVerifier implements TokenVerifier {
  private readonly key: Uint8Array;
  constructor(private readonly s: JwtSettings) {
    this.key = new TextEncoder().encode(s.secret);
  }

  async verify(token: string): Promise<string> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
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
