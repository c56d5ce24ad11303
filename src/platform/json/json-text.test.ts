import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lineAndColumn, readJsonText } from './json-text.ts'

function accepts(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

describe('JSON text with places for its mistakes', () => {
  it('says where a syntax error is', () => {
    expect(readJsonText('{"a":\n [1,}')).toEqual({
      ok: false,
      problems: [{ line: 2, column: 5, reason: '"}" is not allowed where a value should be' }],
    })
    expect(readJsonText('{"a" 1}')).toMatchObject({ problems: [{ line: 1, column: 6 }] })
    expect(readJsonText('{"a":1')).toMatchObject({
      problems: [{ line: 1, column: 7, reason: 'the text ends where "," or "}" should be' }],
    })
    expect(readJsonText('[1]\r\n x')).toMatchObject({ problems: [{ line: 2, column: 2 }] })
    expect(readJsonText('{"a":"\\q"}')).toMatchObject({
      problems: [{ line: 1, column: 7, reason: 'a string holds an escape that JSON does not have' }],
    })
  })

  it('reports every key given twice in one object, but not the same key in two objects', () => {
    const result = readJsonText('{"a":1,"b":{"c":1,"c":2},\n"a":3, "d": {"c": 1}}')
    expect(result).toEqual({
      ok: false,
      problems: [
        { line: 1, column: 19, reason: '"c" is given twice in this object' },
        { line: 2, column: 1, reason: '"a" is given twice in this object' },
      ],
    })
    // Equal after their escapes are read: the same key.
    expect(readJsonText('{"a":1,"\\u0061":2}').ok).toBe(false)
  })

  it('reads any JSON as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2), (value, indent) => {
        const text = JSON.stringify(value, null, indent)
        expect(readJsonText(text)).toEqual({ ok: true, value: JSON.parse(text) })
      }),
    )
  })

  it('refuses exactly the text JSON.parse refuses, keys given twice apart', () => {
    const characters = [...' \n{}[]",:0123456789.eE+-tfrueanl\\ux\u0001']
    const jsonish = fc.stringMatching(/^[\s{}[\]",:0-9.eE+\-tfrueanl\\ux]{0,16}$/)
    // JSON with one character put in, taken out or changed: mostly near misses.
    const nearlyJson = fc
      .tuple(
        fc.jsonValue({ maxDepth: 3 }),
        fc.nat(),
        fc.constantFrom(0, 1, 2),
        fc.constantFrom(...characters),
      )
      .map(([value, position, edit, character]) => {
        const text = JSON.stringify(value)
        const at = position % (text.length + 1)
        return text.slice(0, at) + (edit === 1 ? '' : character) + text.slice(edit === 0 ? at : at + 1)
      })
    fc.assert(
      fc.property(fc.oneof(jsonish, nearlyJson), (text) => {
        const result = readJsonText(text)
        // The scanner, not the fallback on JSON.parse's word, must have found the mistake.
        if (!result.ok)
          expect(result.problems.map((problem) => problem.reason)).not.toContain('is not valid JSON')
        if (result.ok) expect(accepts(text)).toBe(true)
        else if (!result.problems.some((problem) => problem.reason.includes('given twice'))) {
          expect(accepts(text)).toBe(false)
        }
      }),
      { numRuns: 5000 },
    )
  })

  it('counts lines and columns from 1', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 })
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 })
  })
})
