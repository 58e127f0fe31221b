import { Writable } from 'node:stream'
import { manualClock } from '@parley/core'
import { describe, expect, it } from 'vitest'
import { EXIT_FAILURE, EXIT_OK, run } from '../src/index'
import { repoRoot } from './helpers'

describe('run', () => {
  it('runs a command against the streams it is given and resolves to the exit code', async () => {
    // #region docs-run
    let out = ''
    const stdout = new Writable({
      write(chunk, _encoding, done) {
        out += chunk
        done()
      },
    })
    const code = await run(['rules', 'validate', 'examples/rules/routing.json'], {
      stdout,
      stderr: process.stderr,
      cwd: repoRoot, // relative paths resolve here; default process.cwd()
      clock: manualClock(Date.UTC(2026, 11, 1)), // "-90d" in groups counts from this date
    })
    // code === 0, out === 'ok: examples/rules/routing.json is a valid routing file (3 rules)\n'
    // #endregion docs-run
    expect(code).toBe(EXIT_OK)
    expect(out).toBe('ok: examples/rules/routing.json is a valid routing file (3 rules)\n')
  })

  it('reports an unexpected failure as exit code 1 instead of rejecting', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done()
      },
    })
    let err = ''
    const stderr = new Writable({
      write(chunk, _encoding, done) {
        err += chunk
        done()
      },
    })
    // a stdout whose write throws: the command fails, run still resolves
    broken.write = () => {
      throw new Error('disk on fire')
    }
    const code = await run(['rules', 'schema'], { stdout: broken, stderr })
    expect(code).toBe(EXIT_FAILURE)
    expect(err).toContain('parley: unexpected error: Error: disk on fire')
  })
})
