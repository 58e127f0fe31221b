/**
 * Text checks for moderation: contact details (email, phone, URL), word lists matched regardless
 * of accents and case (French and English), and masking. Every regular expression here is fixed
 * and checked by safe-regex2 in the tests; user patterns go through {@link checkPattern}.
 */
import safeRegex from 'safe-regex2'

/** What kind of contact detail was found. */
export type ContactKind = 'email' | 'phone' | 'url'

/** One contact detail found in a text. */
export interface ContactMatch {
  readonly kind: ContactKind
  readonly index: number
  readonly text: string
}

// "jean.dupont@mail.fr", and the spelled-out forms "jean (at) mail (dot) fr", "jean arobase mail point fr".
// Every pattern has star height 1 (no nested repetition), which safe-regex2 checks in the tests.
const EMAIL =
  /[\p{L}\p{N}._%+-]{1,64}(?:@|\s?[([]\s?(?:at|arobase)\s?[)\]]\s?|\s(?:at|arobase)\s)[\p{L}\p{N}-]{1,63}(?:\.|\s?[([]\s?(?:dot|point)\s?[)\]]\s?|\s(?:dot|point)\s)[\p{L}\p{N}][\p{L}\p{N}.-]{0,190}/giu
// a digit run with separators; kept when it holds 9 digits or more: "06 12 34 56 78", "+33 6 12 34 56 78", "(555) 123-4567"
const PHONE = /(?:\+|\b00)?\(?\d[\d\s.()-]{6,40}\d\b/g
const PHONE_MIN_DIGITS = 9
// scheme or www. URLs, and bare domains under common TLDs: "exemple.fr/annonce"
const URL_RE =
  /\b(?:https?:\/\/|www\.)[^\s<>"]{1,2000}|\b[a-z0-9][a-z0-9.-]{0,250}\.(?:com|fr|net|org|io|co|be|ch|uk|de|es|it|eu|info|biz|me|ly|gl|gg|app|shop)\b(?:\/[^\s<>"]{0,2000}|)/gi

const PATTERNS: ReadonlyArray<readonly [ContactKind, RegExp]> = [
  ['email', EMAIL],
  ['url', URL_RE],
  ['phone', PHONE],
]

/** The fixed patterns, exposed for the regex-safety test. */
export const contactPatterns: Readonly<Record<ContactKind, RegExp>> = {
  email: EMAIL,
  phone: PHONE,
  url: URL_RE,
}

/**
 * Finds email addresses, phone numbers and URLs in `text`, left to right, without overlaps
 * (an email's domain is not also reported as a URL).
 */
export function findContactDetails(text: string): ContactMatch[] {
  const found: ContactMatch[] = []
  for (const [kind, re] of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const start = m.index
      const end = start + m[0].length
      if (found.some((f) => start < f.index + f.text.length && f.index < end)) continue
      if (kind === 'phone' && m[0].replace(/\D/g, '').length < PHONE_MIN_DIGITS) continue
      found.push({ kind, index: start, text: m[0] })
    }
  }
  return found.sort((a, b) => a.index - b.index)
}

/** True when `text` holds a contact detail of `kind`. */
export function containsContact(text: string, kind: ContactKind): boolean {
  return findContactDetails(text).some((m) => m.kind === kind)
}

/** Options of {@link maskContactDetails}. */
export interface MaskOptions {
  /** What replaces each detail; a function receives its kind. @default '[hidden]' */
  mask?: string | ((kind: ContactKind) => string)
  /** Which kinds to mask. @default all */
  kinds?: readonly ContactKind[]
}

/**
 * Replaces contact details in a buyer↔seller message, so a deal cannot be taken off the marketplace.
 * @example
 * maskContactDetails('Call me on 06 12 34 56 78') // 'Call me on [hidden]'
 */
export function maskContactDetails(text: string, options: MaskOptions = {}): string {
  const kinds = new Set(options.kinds ?? ['email', 'phone', 'url'])
  const mask = options.mask ?? '[hidden]'
  let out = ''
  let last = 0
  for (const m of findContactDetails(text)) {
    if (!kinds.has(m.kind)) continue
    out += text.slice(last, m.index) + (typeof mask === 'function' ? mask(m.kind) : mask)
    last = m.index + m.text.length
  }
  return out + text.slice(last)
}

/**
 * Lower-cases, strips accents and ligatures, and turns anything but letters and digits into single
 * spaces: `"Œuvre  d'ÉTÉ!"` → `"oeuvre d ete"`. Word lists are compared in this form.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/**
 * True when `text` holds any of `words` as whole words (a word may be a phrase), regardless of
 * accents and case: both sides are normalised by {@link normalizeText}.
 * @example
 * containsAnyWord('Une ARNAQUE complète', ['arnaqué']) // true
 */
export function containsAnyWord(text: string, words: readonly string[]): boolean {
  const hay = ` ${normalizeText(text)} `
  for (const w of words) {
    const n = normalizeText(w)
    if (n !== '' && hay.includes(` ${n} `)) return true
  }
  return false
}

/** Checks a user-supplied pattern: it must compile and pass safe-regex2 (no catastrophic backtracking). */
export function checkPattern(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string')
    return 'expected a regular expression source as a string, e.g. "^SKU-[0-9]+$"'
  if (pattern.length > 500) return 'the pattern is longer than 500 characters'
  try {
    new RegExp(pattern, 'iu')
  } catch (e) {
    return `the pattern does not compile: ${(e as Error).message}`
  }
  if (!safeRegex(pattern)) {
    return 'the pattern may take exponential time (nested quantifiers such as (a+)+); rewrite it without nested repetition'
  }
  return undefined
}
