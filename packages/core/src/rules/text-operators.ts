/**
 * Operators for text facts. Registered by the moderator; give them to `compile` (`operators:
 * textOperators(...)`) to use them in any rule file.
 */
import type { OperatorDefinition } from './operators'
import { checkPattern, containsAnyWord, normalizeText } from './text-checks'

const MAX_CACHE = 1000

function cached<K, V>(make: (k: K) => V): (k: K) => V {
  const cache = new Map<K, V>()
  return (k) => {
    let v = cache.get(k)
    if (v === undefined) {
      if (cache.size >= MAX_CACHE) cache.clear()
      v = make(k)
      cache.set(k, v)
    }
    return v
  }
}

/**
 * The text operators:
 * - `containsAnyWord`: the text holds one of the words (accent- and case-insensitive, whole words);
 *   the value is an array of words, or the name of a word list;
 * - `matchesPattern`: the text matches a regular expression (case-insensitive, Unicode), refused at
 *   validation unless safe-regex2 accepts it.
 * @param wordLists named word lists a rule may refer to by name
 */
export function textOperators(
  wordLists: Readonly<Record<string, readonly string[]>> = {},
): Record<string, OperatorDefinition> {
  const lists = new Map(Object.entries(wordLists).map(([k, words]) => [k, words.map(normalizeText)]))
  const regex = cached((source: string) => new RegExp(source, 'iu'))
  return {
    containsAnyWord: {
      factValueValidator: (v) => typeof v === 'string',
      evaluate: (text, value) => {
        const words = typeof value === 'string' ? lists.get(value) : value
        return Array.isArray(words) && containsAnyWord(text as string, words as string[])
      },
      validateValue: (value) => {
        if (typeof value === 'string') {
          return lists.has(value)
            ? undefined
            : `no word list named "${value}"; define it under "wordLists" or give an array of words`
        }
        return Array.isArray(value) && value.every((w) => typeof w === 'string')
          ? undefined
          : 'expected an array of words, e.g. ["arnaque", "scam"], or the name of a word list'
      },
    },
    matchesPattern: {
      factValueValidator: (v) => typeof v === 'string',
      evaluate: (text, pattern) =>
        typeof pattern === 'string' &&
        checkPattern(pattern) === undefined &&
        regex(pattern).test(text as string),
      validateValue: checkPattern,
    },
  }
}
