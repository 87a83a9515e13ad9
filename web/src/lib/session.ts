/**
 * Who is signed in: a JWT (pasted, or minted by the local stack), kept in sessionStorage
 * (gone with the tab), and the API client that sends it.
 */
import { markRaw, reactive } from 'vue';
import { createClient, diagnoseToken, type Client } from './api.js';
import { sentence } from './format.js';
import type { ConsoleConfig } from './config.js';

const STORAGE_KEY = 'travellog.console.token';

export interface SignedIn {
  token: string;
  userId: string;
  /** ms since the epoch, from `exp`. */
  expiresAt?: number;
}

export const session = reactive({
  config: undefined as ConsoleConfig | undefined,
  user: undefined as SignedIn | undefined,
  /** Why the last session ended (expired token…), shown on the sign-in form. */
  notice: '',
});

let client: Client | undefined;
let expiryTimer: ReturnType<typeof setTimeout> | undefined;

/** Signs out when the token's `exp` passes, saying so (setTimeout's limit is ~24.8 days). */
const keep = (user: SignedIn): void => {
  session.user = user;
  clearTimeout(expiryTimer);
  if (user.expiresAt !== undefined) {
    const left = Math.min(user.expiresAt - Date.now(), 2 ** 31 - 1);
    expiryTimer = setTimeout(() => signOut('Your token expired: sign in again.'), left);
  }
};

/** The API client (throws before `init`). */
export const api = (): Client => {
  if (!client) throw new Error('The console is not configured yet');
  return client;
};

/**
 * Reads a token without verifying it (the API does that): its user and expiry, or why the API
 * would refuse it (client/src/token-diagnosis.ts: expired at …, no user_id/sub claim, not a JWT).
 */
export const inspectToken = (raw: string, claims: string[], now = Date.now()): SignedIn | { problem: string } => {
  const token = raw.trim().replace(/^Bearer\s+/i, '');
  const d = diagnoseToken(token, { userClaims: claims, now, leewaySeconds: 0 });
  // A token without exp may still pass an API run with JWT_REQUIRE_EXP=false: let the API judge it.
  if (d.problem && d.problem.code !== 'no_expiry') return { problem: sentence(d.problem.message) };
  return { token, userId: String(d.userId), ...(d.expiresAt ? { expiresAt: d.expiresAt.getTime() } : {}) };
};

export const init = (config: ConsoleConfig): void => {
  session.config = config;
  client = markRaw(
    createClient({
      baseUrl: config.apiUrl,
      getToken: () => session.user?.token ?? '',
      userClaims: config.userClaims,
      concurrency: 3,
    }),
  );
  const saved = sessionStorage.getItem(STORAGE_KEY);
  if (saved) {
    const found = inspectToken(saved, config.userClaims);
    if ('token' in found) keep(found);
    else sessionStorage.removeItem(STORAGE_KEY);
  }
};

/** Checks the token with the API (one cheap /scan) before keeping it. */
export const signIn = async (raw: string): Promise<void> => {
  const config = session.config;
  if (!config) throw new Error('The console is not configured yet');
  const found = inspectToken(raw, config.userClaims);
  if ('problem' in found) throw new Error(found.problem);
  // A throwaway client with the candidate token: the session changes only once the API accepts it.
  const probe = createClient({ baseUrl: config.apiUrl, token: found.token, userClaims: config.userClaims, retry: { maxAttempts: 2 } });
  await probe.scan({ post_id: 1 }); // one small GSI query
  keep(found);
  sessionStorage.setItem(STORAGE_KEY, found.token);
  session.notice = '';
};

/** LOCAL STACK ONLY: asks the stack to mint a token for `userId`, then signs in with it. */
export const signInAsUser = async (userId: string): Promise<void> => {
  const endpoint = session.config?.localSignIn?.endpoint;
  if (!endpoint) throw new Error('Signing in as any user is only possible on the local stack.');
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ user_id: userId }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string };
  if (!res.ok || !body.token) throw new Error(body.message ?? `The local stack answered HTTP ${res.status}`);
  await signIn(body.token);
};

export const signOut = (notice = ''): void => {
  clearTimeout(expiryTimer);
  session.user = undefined;
  session.notice = notice;
  sessionStorage.removeItem(STORAGE_KEY);
};

