/**
 * The four kinds of rule file the CLI knows, how to tell them apart by their top-level keys, and
 * how to validate each with the core's own compiler (so the CLI and the library never disagree).
 */
import {
  createModerator,
  createRouter,
  createSegmenter,
  type GroupsFile,
  type ModerationFile,
  type RoutingFile,
  type RulesFileKind,
  validateRules,
} from '@parley/core'

/** A kind as spelled on the command line. */
export type RuleFileKind = 'ruleset' | 'groups' | 'moderation' | 'routing'

/** The kinds accepted by `--kind`, in the order the help lists them. */
export const RULE_FILE_KINDS: readonly RuleFileKind[] = ['ruleset', 'groups', 'moderation', 'routing']

const LABELS: Record<RuleFileKind, string> = {
  ruleset: 'rule set',
  groups: 'customer-groups file',
  moderation: 'moderation file',
  routing: 'routing file',
}

/** How the kind reads in a sentence: `customer-groups file`. */
export function kindLabel(kind: RuleFileKind): string {
  return LABELS[kind]
}

/** Parses `--kind`; `rules` is accepted for `ruleset`, the core's name for it. */
export function parseKind(value: string): RuleFileKind | undefined {
  if (value === 'rules') return 'ruleset'
  return (RULE_FILE_KINDS as readonly string[]).includes(value) ? (value as RuleFileKind) : undefined
}

/** The core's name of a kind, for `rulesJsonSchema`. */
export function coreKind(kind: RuleFileKind): RulesFileKind {
  return kind === 'ruleset' ? 'rules' : kind
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Tells a file's kind from its top-level keys (and, for `rules`, from the keys its rules use).
 * Returns `undefined` when nothing identifies it.
 */
export function detectKind(file: unknown): RuleFileKind | undefined {
  if (!isObject(file)) return undefined
  if (Object.hasOwn(file, 'groups')) return 'groups'
  if (!Object.hasOwn(file, 'rules')) return undefined
  const rules = Array.isArray(file.rules) ? file.rules.filter(isObject) : []
  if (Object.hasOwn(file, 'defaults') || rules.some((r) => Object.hasOwn(r, 'set'))) return 'routing'
  if (
    Object.hasOwn(file, 'wordLists') ||
    Object.hasOwn(file, 'default') ||
    rules.some((r) => Object.hasOwn(r, 'decision'))
  )
    return 'moderation'
  return 'ruleset'
}

/**
 * Validates a parsed file as the given kind and returns a one-line description of what it holds.
 * @throws ParleyError `RULES_INVALID` with every fault and its path.
 */
export function validateAs(kind: RuleFileKind, file: unknown): string {
  const named = isObject(file) && isObject(file.conditions) ? Object.keys(file.conditions).length : 0
  const extra = named > 0 ? `, ${plural(named, 'named condition')}` : ''
  switch (kind) {
    case 'ruleset':
      return `${plural(validateRules(file).rules.length, 'rule')}${extra}`
    case 'groups':
      return `${plural(createSegmenter(file as GroupsFile).groups.length, 'group')}${extra}`
    case 'moderation':
      createModerator(file as ModerationFile)
      return `${plural((file as ModerationFile).rules.length, 'rule')}${extra}`
    case 'routing':
      createRouter(file as RoutingFile)
      return `${plural((file as RoutingFile).rules.length, 'rule')}${extra}`
  }
}

/** `1 rule`, `3 rules`. */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`
}
