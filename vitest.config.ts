import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url))

// Tests run against the TypeScript sources, not the built dist, so `pnpm test`
// works straight after `pnpm install`.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@parley\/core\/testing$/, replacement: src('./packages/core/src/testing/index.ts') },
      { find: /^@parley\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@parley\/workflows$/, replacement: src('./packages/workflows/src/index.ts') },
      { find: /^@parley\/adapters\/(.*)$/, replacement: src('./packages/adapters/src/$1/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'docs/**/*.test.ts'],
    testTimeout: 60_000,
    // In CI, also write a JSON report so .ci/run can print a plain "N passed, N failed" line.
    ...(process.env.CI
      ? { reporters: ['default', 'json'], outputFile: { json: '.tmp/vitest-report.json' } }
      : {}),
    hookTimeout: 60_000,
  },
})
