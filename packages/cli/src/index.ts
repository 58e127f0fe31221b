/**
 * Programmatic API of the `parley` command: `run(argv, io)` runs any command against given streams
 * and resolves to its exit code, so programs and tests use the CLI without spawning a process.
 * The command modules, parsers and formatters stay internal: their output is the interface.
 */

export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes'
export type { RunIo } from './io'
export { run } from './run'
