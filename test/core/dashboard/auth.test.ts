import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { cookieName, cookieOf, newToken, sameOrigin, sameToken, sessionCookie } from '../../../src/core/dashboard/auth.js'

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage

describe('dashboard auth', () => {
  it('tokens are fresh, URL-safe and compared whole', () => {
    const a = newToken()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(newToken()).not.toBe(a)
    expect(sameToken(a, a)).toBe(true)
    expect(sameToken(a.slice(0, -1), a)).toBe(false)
    expect(sameToken(`${a}x`, a)).toBe(false)
    expect(sameToken(undefined, a)).toBe(false)
    expect(sameToken('', a)).toBe(false)
  })

  it('the session cookie is HttpOnly, SameSite=Strict, for the whole path, named by port', () => {
    expect(sessionCookie(cookieName(9465), 'T')).toBe('orch_dashboard_9465=T; HttpOnly; SameSite=Strict; Path=/')
    expect(cookieOf(req({ cookie: 'a=1; orch_dashboard_9465=T; orch_dashboard_1=U' }), 'orch_dashboard_9465')).toBe('T')
    expect(cookieOf(req({ cookie: 'orch_dashboard_94650=T' }), 'orch_dashboard_9465')).toBeUndefined()
  })

  it('a change must carry the Origin the browser reached this server at', () => {
    expect(sameOrigin(req({ host: '127.0.0.1:9465', origin: 'http://127.0.0.1:9465' }))).toBe(true)
    expect(sameOrigin(req({ host: 'localhost:8080', origin: 'http://localhost:8080' }))).toBe(true) // through a tunnel
    expect(sameOrigin(req({ host: '127.0.0.1:9465', origin: 'http://evil.example' }))).toBe(false)
    expect(sameOrigin(req({ host: '127.0.0.1:9465', origin: 'null' }))).toBe(false)
    expect(sameOrigin(req({ host: '127.0.0.1:9465' }))).toBe(false)
  })
})
