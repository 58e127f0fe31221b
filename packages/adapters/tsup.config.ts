import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    'sqlite/index': 'src/sqlite/index.ts',
    'postgres/index': 'src/postgres/index.ts',
    'nats/index': 'src/nats/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  external: ['@parley/core', 'better-sqlite3', 'pg', '@nats-io/jetstream', '@nats-io/transport-node', 'zod'],
})
