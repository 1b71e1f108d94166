import { createServer, type Server } from 'node:http'
import type { Logger } from '../log/logger.js'
import type { MetricsAddress } from './metrics-settings.js'
import { PROMETHEUS_CONTENT_TYPE } from './prometheus-text.js'

/** The running HTTP server of `/metrics`. Loaded with a dynamic import: a daemon that serves no metrics never loads node:http. */
export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464/metrics (the port actually bound when 0 was asked) */
  readonly url: string
  close(): Promise<void>
}

/** Serves GET /metrics with `render()`; anything else is 404 (or 405 for another method). A failing render is a 500, logged. */
export async function startMetricsServer(address: MetricsAddress, render: () => string, log: Logger): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('orch serves /metrics only\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET /metrics\n')
      return
    }
    let body: string
    try {
      body = render()
    } catch (err) {
      log.error('cannot render /metrics', { err })
      res.writeHead(500, { 'content-type': 'text/plain' }).end('orch could not render its metrics; see daemon.log\n')
      return
    }
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  // a scraper that stalls must not hold sockets forever
  server.requestTimeout = 10_000
  server.headersTimeout = 10_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(address.port, address.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (err) => log.error('metrics server error', { err }))
  server.unref()
  const bound = server.address()
  const port = bound && typeof bound === 'object' ? bound.port : address.port
  const host = address.host.includes(':') ? `[${address.host}]` : address.host
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
