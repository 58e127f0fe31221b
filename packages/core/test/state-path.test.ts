import { describe, expect, it } from 'vitest'
import { activePaths, statePath } from '../src/index'

describe('state paths', () => {
  it('names atomic, nested and parallel states with their parents', () => {
    expect(statePath('a')).toBe('a')
    expect(statePath({ a: 'b' })).toBe('a.b')
    expect(statePath({ a: { b: 'c' } })).toBe('a.b.c')
    expect(statePath({ a: { x: 'p', y: 'q' } })).toBe('a.x.p,a.y.q')
    expect(activePaths({ a: { x: 'p', y: 'q' } })).toEqual(['a', 'a.x', 'a.x.p', 'a.y', 'a.y.q'])
  })
})
