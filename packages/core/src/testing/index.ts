// Test helpers of @parley/core: the store conformance suite and the workflow property kit.
// They import vitest and fast-check, which are optional peer dependencies of @parley/core.
export type { TestStoreOptions } from './test-store'
export { testStore } from './test-store'
