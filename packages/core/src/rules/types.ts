/**
 * The rule JSON format: json-rules-engine's, as Parley reads it. These types describe a file that
 * passed {@link validateRules}; the zod schemas in `schema.ts` are their runtime twin.
 */

/** A fact read, optionally narrowed by a JSONPath (`path`) and carrying `params` for dynamic facts. */
export interface FactReference {
  /** The fact's name: a key of the facts object given to `run`. */
  fact: string
  /** A JSONPath into the fact's value (Parley's subset, see docs/rules.md). */
  path?: string
  /** Parameters of a dynamic fact; carried for json-rules-engine compatibility. */
  params?: Record<string, unknown>
}

/** A leaf condition: `<fact (+ path)> <operator> <value>`. */
export interface FactCondition extends FactReference {
  /** A built-in (`equal`, `in`, `greaterThan`, ...), a registered custom operator, or decorated (`everyFact:in`). */
  operator: string
  /** A literal or another fact (`{ "fact": "x" }`). */
  value: unknown
  /** Higher runs first inside its `all`/`any`. @default 1 */
  priority?: number
  /** A label shown by `explain`. */
  name?: string
}

/** `{ "all": [...] }`: every sub-condition holds (an empty list holds). */
export interface AllCondition {
  all: Condition[]
  priority?: number
  name?: string
}

/** `{ "any": [...] }`: at least one holds. As in json-rules-engine, an empty list holds. */
export interface AnyCondition {
  any: Condition[]
  priority?: number
  name?: string
}

/** `{ "not": condition }`: the sub-condition does not hold. */
export interface NotCondition {
  not: Condition
  priority?: number
  name?: string
}

/** `{ "condition": "name" }`: a named condition from the file's `conditions` map. */
export interface ConditionReference {
  condition: string
  priority?: number
  name?: string
}

/** Any condition node. */
export type Condition = FactCondition | AllCondition | AnyCondition | NotCondition | ConditionReference

/** The root of a rule's conditions: a boolean node or a reference. */
export type TopLevelCondition = AllCondition | AnyCondition | NotCondition | ConditionReference

/** What a rule emits: json-rules-engine's event shape. */
export interface RuleEvent {
  type: string
  params?: Record<string, unknown>
}

/** One rule. */
export interface Rule {
  conditions: TopLevelCondition
  event: RuleEvent
  /** Rules of higher priority run first; events come out in that order. @default 1 */
  priority?: number
  /** Shown by `explain`. */
  name?: string
}

/** A rule file: rules plus shared named conditions (json-rules-engine's `setCondition`). */
export interface RuleSet {
  rules: Rule[]
  conditions?: Record<string, TopLevelCondition>
}

/** The result of one run, as json-rules-engine's `engine.run` reports its events. */
export interface RunResult {
  /** Events of the rules that matched, highest priority first, then in file order. */
  events: RuleEvent[]
  /** Events of the rules that did not match, in the same order. */
  failureEvents: RuleEvent[]
}

/** Facts: a plain object whose keys are fact names. */
export type Facts = Readonly<Record<string, unknown>>
