/**
 * RFC 9457 problem details: what the API answers on every error, naming the parameter or field at fault.
 */
export interface InvalidParam {
  /** The parameter or field, as the client sent it: `stage`, `page`, `body.email`. */
  readonly name: string
  readonly reason: string
}

export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail?: string
  readonly instance?: string
  readonly 'invalid-params'?: readonly InvalidParam[]
}

export const problemContentType = 'application/problem+json; charset=utf-8'

/** An error a route throws on purpose; the error handler turns it into a page or a problem. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly title: string,
    readonly detail: string,
    readonly invalidParams: readonly InvalidParam[] = [],
  ) {
    super(detail)
    this.name = 'HttpError'
  }
}

export class NotFoundError extends HttpError {
  constructor(detail: string) {
    super(404, 'Not found', detail)
    this.name = 'NotFoundError'
  }
}

export class BadRequestError extends HttpError {
  constructor(invalidParams: readonly InvalidParam[], detail?: string) {
    super(
      400,
      'Bad request',
      detail ?? invalidParams.map((param) => `${param.name}: ${param.reason}`).join('; '),
      invalidParams,
    )
    this.name = 'BadRequestError'
  }
}

const problemTypes: Readonly<Record<number, string>> = {
  400: 'https://www.rfc-editor.org/rfc/rfc9110#name-400-bad-request',
  404: 'https://www.rfc-editor.org/rfc/rfc9110#name-404-not-found',
  405: 'https://www.rfc-editor.org/rfc/rfc9110#name-405-method-not-allowed',
  413: 'https://www.rfc-editor.org/rfc/rfc9110#name-413-content-too-large',
  415: 'https://www.rfc-editor.org/rfc/rfc9110#name-415-unsupported-media-type',
  429: 'https://www.rfc-editor.org/rfc/rfc6585#section-4',
  500: 'https://www.rfc-editor.org/rfc/rfc9110#name-500-internal-server-error',
  503: 'https://www.rfc-editor.org/rfc/rfc9110#name-503-service-unavailable',
}

export function toProblem(error: HttpError, instance: string): Problem {
  return {
    type: problemTypes[error.statusCode] ?? 'about:blank',
    title: error.title,
    status: error.statusCode,
    detail: error.detail,
    instance,
    ...(error.invalidParams.length > 0 ? { 'invalid-params': error.invalidParams } : {}),
  }
}
