#!/usr/bin/env node
// Runs the built CLI; in the repository (no build yet) use `pnpm parley` which runs the sources.
import('../dist/main.js').catch((error) => {
  console.error(error)
  process.exit(1)
})
