/** A probe's failure, whatever raised it (undici, node:net, TLS), as one stable errorCode and a line people read. */

const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'])

/** OpenSSL's verification results and Node's host-name check: the server's certificate was not accepted. */
const CERT_INVALID = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_REJECTED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
])

/** undici's own timers; each probe's deadline is the same length, so they all mean TIMEOUT. */
export const UNDICI_TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

const DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed (temporary DNS failure)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out (operating system)',
  EPIPE: 'connection closed by the server while sending',
}

interface Failure {
  error: string
  errorCode: string
  /** The failure is the server's certificate being refused. */
  certificate: boolean
}

/** The error that says what happened: Node's happy-eyeballs AggregateError and undici's wrappers hide it. */
export function rootCause(error: unknown): unknown {
  let current = error
  for (let depth = 0; depth < 5; depth++) {
    if (!(current instanceof Error)) return current
    const code = (current as NodeJS.ErrnoException).code
    if (current instanceof AggregateError && current.errors.length > 0 && (!code || code === 'ERR_INTERNAL_ASSERTION')) {
      current = current.errors[0]
      continue
    }
    if (!code && current.cause instanceof Error) {
      current = current.cause
      continue
    }
    return current
  }
  return current
}

export function describeFailure(error: unknown, timeoutMs: number): Failure {
  const root = rootCause(error)
  const code = root instanceof Error ? (root as NodeJS.ErrnoException).code : undefined
  const message = root instanceof Error ? root.message : String(root)

  if (code && UNDICI_TIMEOUTS.has(code)) return {error: `timed out after ${timeoutMs} ms`, errorCode: 'TIMEOUT', certificate: false}
  if (code && SELF_SIGNED.has(code)) {
    const error = code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ? 'self-signed certificate' : 'self-signed certificate in the chain'
    return {error, errorCode: 'SELF_SIGNED_CERT', certificate: true}
  }
  if (code && CERT_INVALID.has(code)) return {error: `invalid certificate: ${message}`, errorCode: 'CERT_INVALID', certificate: true}
  // undici: the server closed the connection before a (complete) response.
  if (code === 'UND_ERR_SOCKET') return {error: 'connection closed by the server', errorCode: 'ECONNRESET', certificate: false}
  if (code?.startsWith('HPE_')) return {error: `not a valid HTTP response: ${message}`, errorCode: code, certificate: false}
  if (code?.startsWith('ERR_SSL_') || code === 'EPROTO') {
    return {error: `TLS handshake failed: ${message}`, errorCode: code, certificate: false}
  }
  if (code && DESCRIPTIONS[code]) return {error: DESCRIPTIONS[code], errorCode: code, certificate: false}
  return {error: message || 'probe failed', errorCode: code ?? 'ERROR', certificate: false}
}
