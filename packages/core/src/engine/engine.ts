import type { DomainEvent } from '../model/case'
import { open, send } from './commands'
import { allowedEvents, can, get, history, list } from './queries'
import { createRuntime } from './runtime'
import { runDueDeadlines, startScheduler } from './scheduler'
import type { Engine, EngineOptions } from './types'

/**
 * Creates an engine: the registry of workflows, the store (the in-memory store by default), the
 * clock, and the in-process domain-event emitter.
 * @throws ParleyError `VALIDATION` when a workflow version is registered twice.
 * @example
 * const engine = createEngine({ workflows: [dispute()], store: memoryStore() })
 * const c = await engine.open('dispute', input, { actor: { role: 'buyer', id: 'b1' } })
 */
export function createEngine(options: EngineOptions): Engine {
  const rt = createRuntime(options)
  return {
    store: rt.store,
    clock: rt.clock,
    open: (name, input, opts) => open(rt, name, input, opts),
    send: (caseId, event, opts) => send(rt, caseId, event, opts),
    get: (caseId, opts) => get(rt, caseId, opts),
    list: (query) => list(rt, query),
    history: (caseId, opts) => history(rt, caseId, opts),
    can: (caseId, type, opts) => can(rt, caseId, type, opts),
    allowedEvents: (caseId, opts) => allowedEvents(rt, caseId, opts),
    on: ((type: string, handler: (e: DomainEvent) => void) => {
      rt.emitter.on(type, handler)
      return () => {
        rt.emitter.off(type, handler)
      }
    }) as Engine['on'],
    runDueDeadlines: (opts) => runDueDeadlines(rt, opts),
    startScheduler: (opts) => startScheduler(rt, opts),
    workflow: (name, version) => rt.workflow(name, version),
  }
}
