/**
 * JSON text read with places for its mistakes. `JSON.parse` says what is wrong but, on Node.js 20, not always
 * where ("Unexpected token '}', … is not valid JSON"), and it keeps the last of two equal keys in an object
 * without a word. `readJsonText` parses with `JSON.parse`, then scans the text (RFC 8259) for the line and
 * column of a syntax error and of every key repeated in its object.
 */

export interface JsonTextProblem {
  /** 1-based, counted in lines ended by \n (a \r\n counts once). */
  readonly line: number
  /** 1-based, in UTF-16 code units from the start of the line. */
  readonly column: number
  readonly reason: string
}

export type JsonTextResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problems: readonly JsonTextProblem[] }

export function readJsonText(text: string): JsonTextResult {
  let value: unknown
  let parsed = true
  try {
    value = JSON.parse(text)
  } catch {
    parsed = false
  }
  const found = scanJson(text)
  const problems = found.map((problem) => ({
    ...lineAndColumn(text, problem.offset),
    reason: problem.reason,
  }))
  if (problems.length > 0) return { ok: false, problems }
  // The scanner and JSON.parse agree on what is JSON; if ever they did not, JSON.parse's word is kept.
  if (!parsed) return { ok: false, problems: [{ line: 1, column: 1, reason: 'is not valid JSON' }] }
  return { ok: true, value }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++
    lineStart = at + 1
  }
  return { line, column: offset - lineStart + 1 }
}

interface Found {
  readonly offset: number
  readonly reason: string
}

type Frame = { readonly kind: 'array' } | { readonly kind: 'object'; readonly keys: Set<string> }

const numberPattern = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y
// eslint-disable-next-line no-control-regex -- RFC 8259 §7: control characters must be escaped in a string
const stringPattern = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

/** Every repeated key, then the first syntax error (after which nothing more can be said). */
function scanJson(text: string): Found[] {
  const found: Found[] = []
  const stack: Frame[] = []
  let at = 0
  const skipSpace = () => {
    while (at < text.length) {
      const c = text.charCodeAt(at)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
      at++
    }
  }
  const describe = () => (at >= text.length ? 'the text ends' : `${JSON.stringify(text[at])} is not allowed`)
  const fail = (expected: string) => {
    found.push({ offset: at, reason: `${describe()} where ${expected} should be` })
    return found
  }
  /** A string token at `at`, or a syntax error (returns undefined). */
  const readString = (): string | undefined => {
    stringPattern.lastIndex = at
    const match = stringPattern.exec(text)
    if (match === null) {
      // Find where the string goes wrong: an unescaped control character, a bad escape or no closing quote.
      let end = at + 1
      while (end < text.length) {
        const c = text.charCodeAt(end)
        if (c === 0x22) break
        if (c < 0x20) {
          found.push({
            offset: end,
            reason: 'a control character (such as a line break) is not allowed in a string',
          })
          return undefined
        }
        if (c === 0x5c) {
          if (!/^(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(end + 1, end + 6))) {
            found.push({ offset: end, reason: 'a string holds an escape that JSON does not have' })
            return undefined
          }
          end += text[end + 1] === 'u' ? 6 : 2
          continue
        }
        end++
      }
      found.push({ offset: at, reason: 'a string is not closed' })
      return undefined
    }
    at += match[0].length
    return match[0]
  }
  /** An object's key and its colon; false on a syntax error. */
  const readKey = (frame: Frame & { kind: 'object' }): boolean => {
    if (text[at] !== '"') {
      fail('a property name in double quotes')
      return false
    }
    const keyAt = at
    const token = readString()
    if (token === undefined) return false
    const key = JSON.parse(token) as string
    if (frame.keys.has(key)) found.push({ offset: keyAt, reason: `${token} is given twice in this object` })
    frame.keys.add(key)
    skipSpace()
    if (text[at] !== ':') {
      fail(`":" after the property name ${token}`)
      return false
    }
    at++
    return true
  }

  for (;;) {
    // A value is expected here.
    skipSpace()
    const c = text[at]
    if (c === '{') {
      at++
      skipSpace()
      const frame = { kind: 'object' as const, keys: new Set<string>() }
      if (text[at] === '}') {
        at++
      } else {
        stack.push(frame)
        if (!readKey(frame)) return found
        continue
      }
    } else if (c === '[') {
      at++
      skipSpace()
      if (text[at] === ']') {
        at++
      } else {
        stack.push({ kind: 'array' })
        continue
      }
    } else if (c === '"') {
      if (readString() === undefined) return found
    } else if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null'
      if (!text.startsWith(word, at)) return fail('a value')
      at += word.length
    } else {
      numberPattern.lastIndex = at
      const match = numberPattern.exec(text)
      if (match === null) return fail('a value')
      at += match[0].length
    }
    // After a value: a comma, the end of its array or object, or the end of the text.
    for (;;) {
      skipSpace()
      const frame = stack[stack.length - 1]
      if (frame === undefined) {
        if (at < text.length) fail('the end of the text')
        return found
      }
      const end = frame.kind === 'array' ? ']' : '}'
      if (text[at] === end) {
        at++
        stack.pop()
        continue
      }
      if (text[at] !== ',') return fail(`"," or "${end}"`)
      at++
      if (frame.kind === 'object') {
        skipSpace()
        if (!readKey(frame)) return found
      }
      break
    }
  }
}
