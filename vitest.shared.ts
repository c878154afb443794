import type { ViteUserConfig } from 'vitest/config';

/**
 * Shared vitest settings: resolve workspace packages to their TypeScript sources (the `@ad/source` export
 * condition), so tests never wait on a build.
 */
export const adVitestConfig: ViteUserConfig = {
  resolve: { conditions: ['@ad/source', 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: ['@ad/source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
};
