/** The `parley` executable: wires the process's streams to `run` and sets the exit code. */
import { run } from './run'

// A reader that goes away (`parley segment ... | head`) is not a failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

// no top-level await: tsup also builds this entry as CommonJS
void run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: process.stderr.isTTY === true,
  columns: process.stderr.columns || 80,
}).then((code) => {
  process.exitCode = code
})
