import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000, // integration tests wait on real servers; CI machines are small
    hookTimeout: 60_000,
    pool: 'forks',
    env: {
      // Node 20 here, nodejs22.x in Lambda: the SDK's notice is known and not a test outcome.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
  },
});
