const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

let lastMs = 0
let seq = 0

/**
 * A unique id that sorts by creation time within a process and across processes (to the
 * millisecond): 9 chars of time, 4 of sequence, 8 random.
 */
export function createId(prefix = ''): string {
  let ms = Date.now()
  if (ms <= lastMs) {
    ms = lastMs
    seq += 1
    if (seq >= 36 ** 4) {
      lastMs += 1
      ms = lastMs
      seq = 0
    }
  } else {
    lastMs = ms
    seq = 0
  }
  let rand = ''
  for (let i = 0; i < 8; i++) rand += ALPHABET[Math.floor(Math.random() * 36)]
  return `${prefix}${ms.toString(36).padStart(9, '0')}${seq.toString(36).padStart(4, '0')}${rand}`
}
