/**
 * Draws an explained condition tree: one line per condition with its verdict (✓ ✗ ·), the
 * operator and both sides as evaluated, nested with box-drawing guides.
 */
import type { ConditionExplanation } from '@parley/core'

/** The mark of a verdict: ✓ holds, ✗ does not, · not evaluated (an earlier sibling decided). */
export function verdictMark(result: boolean | undefined): string {
  return result === undefined ? '·' : result ? '✓' : '✗'
}

const MAX_VALUE = 60

/** A value as JSON, shortened when long; `undefined` when the fact is missing. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'undefined'
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text
}

function label(node: ConditionExplanation): string {
  const named = node.name === undefined ? '' : `  — ${node.name}`
  switch (node.kind) {
    case 'all':
    case 'any':
      return `${node.kind} of${named}`
    case 'not':
      return `not${named}`
    case 'condition':
      return `condition "${node.condition}"${named}`
    case 'fact': {
      const fact = node.path === undefined ? node.fact : `${node.fact} ${node.path}`
      // a condition skipped by short-circuit carries no values: json-rules-engine never read them
      if (node.result === undefined && node.error === undefined)
        return `${fact} ${node.operator}   (not evaluated)${named}`
      const head = `${fact} ${node.operator} ${showValue(node.value)}`
      return `${head}   (${node.fact}${node.path ?? ''} = ${showValue(node.factValue)})${named}`
    }
  }
}

/** Renders a condition tree, one condition a line. */
export function formatConditionTree(root: ConditionExplanation): string {
  const lines: string[] = []
  const visit = (node: ConditionExplanation, prefix: string, guide: string) => {
    const error = node.error === undefined ? '' : `   error: ${node.error}`
    lines.push(`${prefix}${guide}${verdictMark(node.result)} ${label(node)}${error}`)
    const children = node.children ?? []
    const inner = prefix + (guide === '' ? '' : guide === '└─ ' ? '   ' : '│  ')
    children.forEach((child, i) => {
      visit(child, inner, i === children.length - 1 ? '└─ ' : '├─ ')
    })
  }
  visit(root, '', '')
  return lines.join('\n')
}
