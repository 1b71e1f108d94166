import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** 32 random bytes, URL-safe: what `orch dashboard` prints in the URL. */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Constant-time: both sides are hashed first, so neither their content nor their length shows in the time taken. */
export function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(token).digest()
  return timingSafeEqual(a, b)
}

/** The cookie's name carries the port: cookies are per host, not per port, and two daemons may serve dashboards on one host. */
export const cookieName = (port: number): string => `orch_dashboard_${port}`

/** The value of one cookie of a request, if it has it. */
export function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return undefined
}

/** The Set-Cookie of a session: the browser sends it back to this host only, from this site only, never to scripts. */
export function sessionCookie(name: string, token: string): string {
  return `${name}=${token}; HttpOnly; SameSite=Strict; Path=/`
}

/**
 * A state change must come from a page of this server: its `Origin` is the
 * origin the browser reached us at (`http://` + the Host it sent, which an
 * SSH tunnel may change). Another site's page sends its own origin; a
 * request without one (curl, an old browser) is refused too.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  const host = req.headers.host
  return origin !== undefined && host !== undefined && origin === `http://${host}`
}
