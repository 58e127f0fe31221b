/**
 * The generated-code evaluator: each rule becomes one JavaScript function built with `new Function`.
 *
 * Safety: nothing from a rule file is ever written into the generated source. Fact names, values,
 * paths and operators go into a constants array `K`; the source only holds identifiers and numbers
 * Parley makes up (`k12`, `L3`, `n0`). A fuzz test feeds rule files built to break out of strings.
 * Internal: not exported from the barrel.
 */
import { type EvaluatorOptions, type MatchAll, UndefinedFactError } from './evaluate'
import type { FactRead, Program, ProgramNode } from './program'

const numberValidator = (v: unknown): boolean => Number.parseFloat(v as string).toString() !== 'NaN'

// The inlined built-ins, as expressions over a fact-side variable A and a value-side variable B.
const INLINE: Record<string, (A: string, B: string) => string> = {
  equal: (A, B) => `${A} === ${B}`,
  notEqual: (A, B) => `${A} !== ${B}`,
  in: (A, B) => `${B}.indexOf(${A}) > -1`,
  notIn: (A, B) => `${B}.indexOf(${A}) === -1`,
  contains: (A, B) => `Array.isArray(${A}) && ${A}.indexOf(${B}) > -1`,
  doesNotContain: (A, B) => `Array.isArray(${A}) && ${A}.indexOf(${B}) === -1`,
  lessThan: (A, B) => `(typeof ${A} === 'number' ? ${A} === ${A} : NUMV(${A})) && ${A} < ${B}`,
  lessThanInclusive: (A, B) => `(typeof ${A} === 'number' ? ${A} === ${A} : NUMV(${A})) && ${A} <= ${B}`,
  greaterThan: (A, B) => `(typeof ${A} === 'number' ? ${A} === ${A} : NUMV(${A})) && ${A} > ${B}`,
  greaterThanInclusive: (A, B) => `(typeof ${A} === 'number' ? ${A} === ${A} : NUMV(${A})) && ${A} >= ${B}`,
}

/**
 * Compiles the whole program into one generated function (no per-rule call, so no megamorphic call
 * site); throws if the host forbids `new Function`.
 */
export function codegenCompile(program: Program, options: EvaluatorOptions): MatchAll {
  const K: unknown[] = []
  const constant = (v: unknown): string => {
    let i = K.indexOf(v)
    if (i === -1) i = K.push(v) - 1
    return `k${i}`
  }
  const namedIds = new Map<string, number>()
  for (const name of program.named.keys()) namedIds.set(name, namedIds.size)
  let label = 0

  const protoKeys = new Set(Object.getOwnPropertyNames(Object.prototype))
  const read = (r: FactRead, into: 'a' | 'b'): string => {
    const k = constant(r.fact)
    const missing = options.allowUndefinedFacts ? `${into} = undefined;` : `throw new UNDEF(${k});`
    // a fact named like an Object.prototype member ("toString") must not be read from the prototype
    let s = protoKeys.has(r.fact)
      ? `if (HAS.call(f, ${k})) ${into} = f[${k}]; else { ${missing} }\n`
      : `${into} = f[${k}]; if (${into} === undefined && !HAS.call(f, ${k})) { ${missing} }\n`
    if (r.resolve)
      s += `if (${into} !== null && typeof ${into} === 'object') ${into} = ${constant(r.resolve)}(${into});\n`
    return s
  }
  const gen = (node: ProgramNode): string => {
    switch (node.kind) {
      case 'all':
      case 'any': {
        if (node.children.length === 0) return 'r = true;\n'
        if (node.children.length === 1) return gen(node.children[0]!)
        const l = `L${label++}`
        const exit = node.kind === 'all' ? `if (!r) break ${l};\n` : `if (r) break ${l};\n`
        return `${l}: {\n${node.children.map(gen).join(exit)}}\n`
      }
      case 'not':
        return `${gen(node.child)}r = !r;\n`
      case 'condition': {
        const id = namedIds.get(node.ref)
        return id === undefined ? 'r = false;\n' : `r = n${id}(f);\n`
      }
      case 'fact': {
        let s = read(node.read, 'a')
        if (node.unary) return `${s}r = ${constant(node.unary)}(a) === true;\n`
        s += 'literal' in node.value ? `b = ${constant(node.value.literal)};\n` : read(node.value.read, 'b')
        const inline = node.inline
        const template = inline === undefined ? undefined : INLINE[inline.base]
        if (inline === undefined || template === undefined) return `${s}r = ${constant(node.op)}(a, b);\n`
        // decorators outermost first: not / someFact / everyFact as loops over the fact side
        const chain = (i: number, A: string): string => {
          if (i === inline.decorators.length) return `r = ${template(A, 'b')};\n`
          const d = inline.decorators[i]
          if (d === 'not') return `${chain(i + 1, A)}r = !r;\n`
          const j = `i${label}`
          const x = `x${label++}`
          const body = `for (var ${j} = 0; ${j} < ${A}.length; ${j}++) {\nvar ${x} = ${A}[${j}];\n${chain(i + 1, x)}`
          return d === 'someFact'
            ? `r = false;\nif (Array.isArray(${A})) ${body}if (r) break;\n}\n`
            : `r = Array.isArray(${A});\nif (r) ${body}if (!r) break;\n}\n`
        }
        return s + chain(0, 'a')
      }
    }
  }

  const named = [...program.named.entries()]
    .map(([name, node]) => `function n${namedIds.get(name)}(f) {\nvar a, b, r;\n${gen(node)}return r;\n}\n`)
    .join('')
  const rules = program.rules
    .map(
      (rule, i) =>
        `try {\n${gen(rule.conditions)}} catch (e) { r = false; }\nif (r === true) out.push(${i});\n`,
    )
    .join('')
  const preload = K.map((_, i) => `var k${i} = K[${i}];\n`).join('')
  const source = `'use strict';\n${preload}${named}return function matchAll(f) {\nvar a, b, r, out = [];\n${rules}return out;\n};`
  const factory = new Function('K', 'HAS', 'UNDEF', 'NUMV', source) as (
    k: unknown[],
    has: typeof Object.prototype.hasOwnProperty,
    undef: typeof UndefinedFactError,
    numv: typeof numberValidator,
  ) => MatchAll
  return factory(K, Object.prototype.hasOwnProperty, UndefinedFactError, numberValidator)
}
