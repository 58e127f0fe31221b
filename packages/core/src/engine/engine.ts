import type { Actor } from '../model/actor'
import type { DomainEvent } from '../model/case'
import { open, send } from './commands'
import { allowedEvents, can, get, history, list } from './queries'
import { createRuntime } from './runtime'
import { runDueDeadlines, startScheduler } from './scheduler'
import type { CaseCommand, Engine, EngineOptions, ListQuery, OpenOptions, SendOptions } from './types'

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
    // The context type is the caller's claim (see `Engine`): the casts only carry it through.
    open: ((name: string, input: unknown, opts: OpenOptions) =>
      open(rt, name, input, opts)) as Engine['open'],
    send: ((caseId: string, event: CaseCommand, opts: SendOptions) =>
      send(rt, caseId, event, opts)) as Engine['send'],
    get: ((caseId: string, opts: { viewer: Actor }) => get(rt, caseId, opts)) as Engine['get'],
    list: ((query?: ListQuery) => list(rt, query)) as Engine['list'],
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
