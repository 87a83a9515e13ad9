/** Runtime configuration from `config.json` next to index.html (the build writes one; hosts may replace it). */
export interface ConsoleConfig {
  /** The API's base URL, without a trailing slash. */
  apiUrl: string;
  /** Only on the local stack: the endpoint that mints a token for "sign in as user …". */
  localSignIn?: { endpoint: string };
  /** Token claims that name the user, as the authorizer's JWT_USER_CLAIMS (default user_id, sub). */
  userClaims: string[];
  /** Local stack with its embedded detector only: every label it can report (search suggestions). */
  knownLabels?: { detector: string; labels: string[] };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** Normalizes a parsed config.json; an empty `apiUrl` means the console's own origin. */
export const parseConfig = (raw: unknown, origin: string): ConsoleConfig => {
  const o = isObject(raw) ? raw : {};
  const api = typeof o.apiUrl === 'string' && o.apiUrl.trim() ? o.apiUrl.trim() : origin;
  let apiUrl: string;
  try {
    apiUrl = new URL(api, origin).href.replace(/\/+$/, '');
  } catch {
    throw new Error(`config.json: apiUrl "${api}" is not a URL`);
  }
  const claims = Array.isArray(o.userClaims) ? o.userClaims.filter((c): c is string => typeof c === 'string' && c !== '') : [];
  const endpoint = isObject(o.localSignIn) && typeof o.localSignIn.endpoint === 'string' ? o.localSignIn.endpoint : undefined;
  const known = isObject(o.knownLabels) && Array.isArray(o.knownLabels.labels) ? o.knownLabels : undefined;
  const labels = known ? (known.labels as unknown[]).filter((l): l is string => typeof l === 'string') : [];
  return {
    apiUrl,
    userClaims: claims.length ? claims : ['user_id', 'sub'],
    ...(endpoint ? { localSignIn: { endpoint } } : {}),
    ...(labels.length ? { knownLabels: { detector: typeof known!.detector === 'string' ? known!.detector : 'local', labels } } : {}),
  };
};

export const loadConfig = async (): Promise<ConsoleConfig> => {
  const res = await fetch('./config.json', { cache: 'no-store', headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`config.json answered HTTP ${res.status}`);
  return parseConfig(await res.json(), location.origin);
};
