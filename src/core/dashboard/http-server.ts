import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { DaemonContext } from '../daemon/context.js'
import { OrchError } from '../errors/orch-error.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { GET_ROUTES, POST_ROUTES } from './api-routes.js'
import { cookieName, cookieOf, sameOrigin, sameToken, sessionCookie } from './auth.js'
import type { LiveHub } from './live-hub.js'
import type { StaticFile } from './static-files.js'

/** On every answer: nothing cached, nothing framed, no referrer (the first URL carries the token), scripts and styles from this server only. */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}

const NOT_FOUND_CODES: ReadonlySet<string> = new Set([ErrorCode.UNKNOWN_AGENT, ErrorCode.NOT_IN_HISTORY, ErrorCode.NO_DEAD_LETTER])

export interface DashboardHttp {
  server: Server
  /** every later request needs this one */
  setToken(token: string): void
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text)
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body)
}

/**
 * The dashboard's HTTP server: the page's files and /api/, every request
 * authenticated (the session cookie, or `Authorization: Bearer` for scripts),
 * state changes POST only and from this server's own origin. No CORS headers
 * are ever sent, so no other site can read an answer.
 */
export function createDashboardHttp(ctx: DaemonContext, hub: LiveHub, files: ReadonlyMap<string, StaticFile>, port: () => number): DashboardHttp {
  let token = ''

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid')
    const cookie = cookieName(port())
    const given = url.searchParams.get('token')
    if (req.method === 'GET' && url.pathname === '/' && given !== null) {
      if (!sameToken(given, token)) return text(res, 401, "This dashboard link is no longer valid: run 'orch dashboard' for a fresh one.\n")
      // the token leaves the address bar (and the history) at once
      res.writeHead(303, { ...SECURITY_HEADERS, location: '/', 'set-cookie': sessionCookie(cookie, token) }).end()
      return
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (!sameToken(cookieOf(req, cookie) ?? bearer, token)) {
      return text(res, 401, "Not signed in to this dashboard: run 'orch dashboard' and open the link it prints.\n")
    }
    const isApi = url.pathname.startsWith('/api/')
    if (req.method === 'POST') {
      if (!sameOrigin(req)) return text(res, 403, 'A change must come from a page of this dashboard (its Origin).\n')
      const route = isApi ? POST_ROUTES[url.pathname.split('/')[2] ?? ''] : undefined
      if (!route) return text(res, 404, 'No such action.\n')
      return answer(res, await route(ctx, hub, { req, res, url, parts: url.pathname.split('/').slice(2).map(decodeURIComponent) }))
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'GET or POST.\n', { allow: 'GET, HEAD, POST' })
    if (isApi) {
      const parts = url.pathname.split('/').slice(2).map(decodeURIComponent)
      const route = GET_ROUTES[parts[0] ?? '']
      if (!route) return text(res, 404, 'No such API.\n')
      return answer(res, await route(ctx, hub, { req, res, url, parts }))
    }
    const file = files.get(url.pathname)
    if (!file) return text(res, 404, 'Not found.\n')
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type, 'content-length': file.body.length })
    res.end(req.method === 'HEAD' ? undefined : file.body)
  }

  const answer = (res: ServerResponse, result: unknown): void => {
    if (res.headersSent) return // a stream took the response
    if (result === null) return text(res, 404, 'Not found.\n')
    json(res, 200, result ?? {})
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end()
      if (err instanceof OrchError) return json(res, NOT_FOUND_CODES.has(err.code) ? 404 : 400, { error: { code: err.code, message: err.message } })
      if (err instanceof URIError) return json(res, 400, { error: { code: ErrorCode.BAD_PARAMS, message: `a malformed path: ${req.url}` } })
      ctx.log.error('dashboard: request failed', { url: req.url, err })
      json(res, 500, { error: { code: ErrorCode.INTERNAL, message: 'the daemon could not answer; see daemon.log' } })
    })
  })
  server.headersTimeout = 10_000
  // the event streams are long-lived; a request's headers are not
  server.requestTimeout = 0
  // neither the server nor a page's connection keeps the daemon alive when it shuts down
  server.on('connection', (socket) => socket.unref())
  server.unref()
  return { server, setToken: (t) => void (token = t) }
}
