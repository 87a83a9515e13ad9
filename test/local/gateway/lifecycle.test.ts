import { describe, expect, it } from 'vitest';
import { echo, withGateway } from './helpers.js';

const routes = [{ method: 'GET' as const, resource: '/health', handler: echo, authorized: false }];

describe('gateway lifecycle', () => {
  it('binds loopback, closes promptly despite keep-alive connections, then refuses requests', async () => {
    const { gw } = await withGateway({ routes });
    expect(gw.url).toBe(`http://127.0.0.1:${gw.port}`);
    expect((await fetch(`${gw.url}/health`)).status).toBe(200); // leaves an idle keep-alive socket
    const started = Date.now();
    await gw.close();
    expect(Date.now() - started).toBeLessThan(500);
    await expect(fetch(`${gw.url}/health`)).rejects.toThrow();
  });

  it('refuses to bind a non-loopback address', async () => {
    await expect(withGateway({ routes, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('refuses ambiguous route tables', async () => {
    await expect(withGateway({ routes: [...routes, ...routes] })).rejects.toThrow(/Duplicate route GET \/health/);
    await expect(
      withGateway({ routes: [{ ...routes[0]!, resource: '/files/{proxy+}' }] }),
    ).rejects.toThrow(/Unsupported segment/);
  });
});
