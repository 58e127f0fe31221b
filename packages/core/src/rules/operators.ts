/**
 * Operators and operator decorators, with json-rules-engine's exact semantics: an operator is a
 * fact-value validator plus a callback, and `evaluate` is `validator(fact) && callback(fact, value)`.
 */

/** A comparison between the fact's value (left) and the condition's `value` (right). */
export interface OperatorDefinition {
  /** Decides the condition. Must return a boolean (a non-boolean counts as `=== true`). */
  evaluate: (factValue: unknown, value: unknown) => boolean
  /** Guards the fact's value; when it returns false the condition fails without calling `evaluate`. */
  factValueValidator?: (factValue: unknown) => boolean
  /**
   * Checks a literal `value` when the rule file is validated; returns a message saying how to fix it,
   * or `undefined` when the value is fine.
   */
  validateValue?: (value: unknown) => string | undefined
  /**
   * Specialises the operator for a literal `value` once, at compile time (parse a date, compile a
   * pattern); the result is called with the fact's value. Used when the operator is not decorated.
   * Must agree with `evaluate`.
   */
  specialize?: (value: unknown) => ((factValue: unknown) => boolean) | undefined
}

/** Wraps an operator: `evaluate(fact, value, next)` calls `next` (the decorated operator) as it needs. */
export interface DecoratorDefinition {
  evaluate: (
    factValue: unknown,
    value: unknown,
    next: (factValue: unknown, value: unknown) => boolean,
  ) => boolean
  factValueValidator?: (factValue: unknown) => boolean
}

/** Custom operators and decorators, by name, given to `compile`, `validateRules` and the builders. */
export interface OperatorOptions {
  /** Extra operators (or replacements of built-ins), json-rules-engine's `addOperator`. */
  operators?: Record<string, OperatorDefinition | ((factValue: unknown, value: unknown) => boolean)>
  /** Extra decorators, json-rules-engine's `addOperatorDecorator`. */
  decorators?: Record<string, DecoratorDefinition>
}

// json-rules-engine's numberValidator, verbatim, with a fast path for numbers that gives the same answer.
const numberValidator = (v: unknown): boolean =>
  typeof v === 'number' ? !Number.isNaN(v) : Number.parseFloat(v as string).toString() !== 'NaN'

const isArrayMsg = (v: unknown) =>
  Array.isArray(v) ? undefined : 'expected an array of values, e.g. ["FR", "BE"]'
const isNumberMsg = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? undefined : 'expected a number, e.g. 100'

// Loose `any` types mirror json-rules-engine: operands are whatever the rule file and the facts hold.
// biome-ignore lint/suspicious/noExplicitAny: operands are untyped JSON by nature
type Loose = any

/** The built-in operators of json-rules-engine 7. */
export const builtinOperators: Readonly<Record<string, OperatorDefinition>> = {
  equal: { evaluate: (a, b) => a === b },
  notEqual: { evaluate: (a, b) => a !== b },
  in: { evaluate: (a, b: Loose) => b.indexOf(a) > -1, validateValue: isArrayMsg },
  notIn: { evaluate: (a, b: Loose) => b.indexOf(a) === -1, validateValue: isArrayMsg },
  contains: { evaluate: (a: Loose, b) => a.indexOf(b) > -1, factValueValidator: Array.isArray },
  doesNotContain: { evaluate: (a: Loose, b) => a.indexOf(b) === -1, factValueValidator: Array.isArray },
  lessThan: {
    evaluate: (a: Loose, b: Loose) => a < b,
    factValueValidator: numberValidator,
    validateValue: isNumberMsg,
  },
  lessThanInclusive: {
    evaluate: (a: Loose, b: Loose) => a <= b,
    factValueValidator: numberValidator,
    validateValue: isNumberMsg,
  },
  greaterThan: {
    evaluate: (a: Loose, b: Loose) => a > b,
    factValueValidator: numberValidator,
    validateValue: isNumberMsg,
  },
  greaterThanInclusive: {
    evaluate: (a: Loose, b: Loose) => a >= b,
    factValueValidator: numberValidator,
    validateValue: isNumberMsg,
  },
}

/** The built-in decorators of json-rules-engine 7. */
export const builtinDecorators: Readonly<Record<string, DecoratorDefinition>> = {
  someFact: {
    evaluate: (f: Loose, v, next) => f.some((x: unknown) => next(x, v)),
    factValueValidator: Array.isArray,
  },
  someValue: { evaluate: (f, v: Loose, next) => v.some((x: unknown) => next(f, x)) },
  everyFact: {
    evaluate: (f: Loose, v, next) => f.every((x: unknown) => next(x, v)),
    factValueValidator: Array.isArray,
  },
  everyValue: { evaluate: (f, v: Loose, next) => v.every((x: unknown) => next(f, x)) },
  swap: { evaluate: (f, v, next) => next(v, f) },
  not: { evaluate: (f, v, next) => !next(f, v) },
}

/** Operators and decorators in effect for one compilation. */
export interface OperatorRegistry {
  readonly operators: ReadonlyMap<string, OperatorDefinition>
  readonly decorators: ReadonlyMap<string, DecoratorDefinition>
}

/** Builds the registry: built-ins, then `extra` (which may replace a built-in, as `addOperator` does). */
export function createOperatorRegistry(...extras: Array<OperatorOptions | undefined>): OperatorRegistry {
  const operators = new Map<string, OperatorDefinition>(Object.entries(builtinOperators))
  const decorators = new Map<string, DecoratorDefinition>(Object.entries(builtinDecorators))
  for (const extra of extras) {
    for (const [name, def] of Object.entries(extra?.operators ?? {})) {
      operators.set(name, typeof def === 'function' ? { evaluate: def } : def)
    }
    for (const [name, def] of Object.entries(extra?.decorators ?? {})) decorators.set(name, def)
  }
  return { operators, decorators }
}

/** An operator name resolved to its decorators (outermost first) and base operator. */
export interface ResolvedOperator {
  readonly name: string
  readonly decorators: readonly string[]
  readonly base: string
  readonly definition: OperatorDefinition
}

/** Resolves `everyFact:not:in` as json-rules-engine's OperatorMap#get does; `undefined` when unknown. */
export function resolveOperator(registry: OperatorRegistry, name: string): ResolvedOperator | undefined {
  const chain: string[] = []
  let rest = name
  while (!registry.operators.has(rest)) {
    const i = rest.indexOf(':')
    if (i <= 0) return undefined
    const decorator = rest.slice(0, i)
    if (!registry.decorators.has(decorator)) return undefined
    chain.push(decorator)
    rest = rest.slice(i + 1)
  }
  return { name, decorators: chain, base: rest, definition: registry.operators.get(rest)! }
}

/** The `(factValue, value) => boolean` function of a resolved operator, decorators applied. */
export function operatorFunction(
  registry: OperatorRegistry,
  resolved: ResolvedOperator,
): (factValue: unknown, value: unknown) => boolean {
  const base = resolved.definition
  const baseValidator = base.factValueValidator
  const baseEvaluate = base.evaluate
  let fn: (a: unknown, b: unknown) => boolean = baseValidator
    ? (a, b) => baseValidator(a) && baseEvaluate(a, b) === true
    : (a, b) => baseEvaluate(a, b) === true
  for (let i = resolved.decorators.length - 1; i >= 0; i--) {
    const decorator = registry.decorators.get(resolved.decorators[i]!)!
    const next = fn
    const validator = decorator.factValueValidator
    const evaluate = decorator.evaluate
    fn = validator
      ? (a, b) => validator(a) && evaluate(a, b, next) === true
      : (a, b) => evaluate(a, b, next) === true
  }
  return fn
}

/**
 * Checks a literal `value` against what the operator chain expects; returns a message or undefined.
 * `someValue`/`everyValue` expect an array whose items the rest of the chain accepts; after `swap`
 * the value is on the fact side, so it is not checked.
 */
export function checkOperatorValue(
  registry: OperatorRegistry,
  resolved: ResolvedOperator,
  value: unknown,
): string | undefined {
  const check = (i: number, v: unknown): string | undefined => {
    if (i === resolved.decorators.length) return resolved.definition.validateValue?.(v)
    const d = resolved.decorators[i]!
    if (d === 'swap') return undefined
    if ((d === 'someValue' || d === 'everyValue') && registry.decorators.get(d) === builtinDecorators[d]) {
      if (!Array.isArray(v)) return `"${d}" expects an array of values, e.g. [1, 2]`
      for (const item of v) {
        const m = check(i + 1, item)
        if (m) return `each item: ${m}`
      }
      return undefined
    }
    return check(i + 1, v)
  }
  return check(0, value)
}
