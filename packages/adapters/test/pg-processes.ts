import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { WorkerConfig, WorkerReport } from './pg-worker'

const workerPath = fileURLToPath(new URL('./pg-worker.ts', import.meta.url))
const root = fileURLToPath(new URL('../../..', import.meta.url))

/** A running worker process: its pid, a promise of its report, and a way to wait for a log line. */
export interface WorkerHandle {
  pid: number
  done: Promise<{ report: WorkerReport | null; signal: NodeJS.Signals | null }>
  /** Resolves when the worker writes `line` to stderr. */
  waitFor(line: string): Promise<void>
  kill(signal: NodeJS.Signals): void
}

/** Starts `pg-worker.ts` in its own Node process (`node --import tsx`). */
export function startWorker(config: WorkerConfig): WorkerHandle {
  const child = spawn(process.execPath, ['--import', 'tsx', workerPath, JSON.stringify(config)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const waiters: Array<{ line: string; resolve: () => void }> = []
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString()
  })
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString()
    for (const w of waiters) if (stderr.includes(`${w.line}\n`)) w.resolve()
  })
  const done = new Promise<{ report: WorkerReport | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.on('error', reject)
      child.on('exit', (code, signal) => {
        if (signal) return resolve({ report: null, signal })
        if (code !== 0) return reject(new Error(`worker ${child.pid} exited with ${code}:\n${stderr}`))
        const last = stdout.trim().split('\n').pop() ?? ''
        resolve({ report: JSON.parse(last) as WorkerReport, signal: null })
      })
    },
  )
  return {
    pid: child.pid!,
    done,
    waitFor: (line) =>
      new Promise((resolve) => {
        if (stderr.includes(`${line}\n`)) resolve()
        else waiters.push({ line, resolve })
      }),
    kill: (signal) => child.kill(signal),
  }
}
