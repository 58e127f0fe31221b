/**
 * The rules DSL: json-rules-engine's JSON format, validated with paths in errors, compiled to
 * synchronous functions, and the three uses built on it (customer groups, moderation, routing).
 * Internals (the program form, the evaluators, the validation context) stay out of this barrel:
 * their shapes change with the compiler.
 */
export { type CompiledRules, type CompileOptions, compile } from './compile'
export type { ConditionExplanation, RuleExplanation } from './explain'
export { FORBIDDEN_KEYS } from './json-path'
export {
  createModerator,
  type ModerationContent,
  type ModerationDecision,
  type ModerationFile,
  type ModerationResult,
  type ModerationRule,
  type Moderator,
  type ModeratorOptions,
  moderationFactNames,
  moderationFacts,
} from './moderation'
export {
  builtinDecorators,
  builtinOperators,
  type DecoratorDefinition,
  type OperatorDefinition,
  type OperatorOptions,
} from './operators'
export { dateOperators, resolveDate } from './relative-date'
export {
  createRouter,
  type Route,
  type RouteResult,
  type Router,
  type RouterOptions,
  type RoutingFile,
  type RoutingRule,
} from './routing'
export {
  conditionSchema,
  eventSchema,
  factConditionSchema,
  groupsFileSchema,
  moderationFileSchema,
  type RulesFileKind,
  routingFileSchema,
  ruleSchema,
  ruleSetSchema,
  rulesJsonSchema,
  topLevelConditionSchema,
} from './schema'
export {
  type CustomerGroup,
  type CustomerProfile,
  createSegmenter,
  customerFacts,
  type GroupExplanation,
  type GroupsFile,
  type Segmenter,
  type SegmenterOptions,
  type SegmentManyOptions,
  type SegmentProgress,
} from './segmenter'
export {
  type ContactKind,
  type ContactMatch,
  containsAnyWord,
  findContactDetails,
  type MaskOptions,
  maskContactDetails,
  normalizeText,
} from './text-checks'
export { textOperators } from './text-operators'
export type {
  AllCondition,
  AnyCondition,
  Condition,
  ConditionReference,
  FactCondition,
  FactReference,
  Facts,
  NotCondition,
  Rule,
  RuleEvent,
  RuleSet,
  RunResult,
  TopLevelCondition,
} from './types'
export { defaultRuleLimits, type RuleLimits, type ValidateOptions, validateRules } from './validate'
