import '../helpers/quiet-powertools.js';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionSpec } from '../../src/infra/functions.js';
import { HTTP_HANDLERS, routesFor } from '../../src/local/handlers.js';

const env = { IMAGES_BUCKET_NAME: 'b', IMAGES_TABLE_NAME: 't', JWT_SECRET: 'x'.repeat(16) };

describe('the local gateway’s routes are the declared ones (src/infra/functions.ts + the handler registry)', () => {
  it('covers every declared route with its function’s handler, one handler per function', () => {
    const routes = routesFor(FUNCTIONS, env);
    const declared = FUNCTIONS.flatMap((f) => f.routes.map((r) => ({ fn: f.name, key: `${r.method} ${r.path}`, authorized: r.authorized })));
    expect(routes.map((r) => `${r.method} ${r.resource}`)).toEqual(declared.map((d) => d.key));
    expect(routes.map((r) => r.authorized)).toEqual(declared.map((d) => d.authorized));
    for (const f of FUNCTIONS.filter((x) => x.routes.length)) expect(Object.keys(HTTP_HANDLERS)).toContain(f.name);
    // GET and DELETE /images/{file_name} are one function: one handler (one cold start, one config).
    const images = routes.filter((r) => r.resource === '/images/{file_name}');
    expect(images).toHaveLength(2);
    expect(images[0]!.handler).toBe(images[1]!.handler);
    expect(new Set(routes.map((r) => r.handler)).size).toBe(FUNCTIONS.filter((f) => f.routes.length).length);
  });

  it('refuses a declared route whose function has no handler, and lets a function’s handler be wrapped', async () => {
    const orphan = { ...FUNCTIONS.find((f) => f.name === 'analyzer')!, routes: [{ method: 'GET', path: '/orphan', authorized: true }] } as FunctionSpec;
    expect(() => routesFor([orphan], env)).toThrow(/No local handler for function analyzer/);
    const [health] = routesFor(FUNCTIONS.filter((f) => f.name === 'health'), env, {
      health: () => async () => ({ statusCode: 299, body: '' }),
    });
    expect((await health!.handler({} as never, {} as never)).statusCode).toBe(299);
  });
});
