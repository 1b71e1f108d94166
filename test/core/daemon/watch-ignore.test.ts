import { describe, expect, it } from 'vitest'
import { watchIgnorer, within } from '../../../src/core/daemon/watch-ignore.js'

const cwd = '/srv/app'
const ignorer = (ignore: string[], o: { watch?: string[]; home?: string } = {}) =>
  watchIgnorer({ cwd, watch: o.watch ?? [cwd], ignore, home: o.home ?? '/var/orch' })

describe('watchIgnorer', () => {
  it('ignores node_modules and .git under the watched path, at any depth', () => {
    const ignored = ignorer([])
    expect(ignored('/srv/app/node_modules')).toBe(true)
    expect(ignored('/srv/app/pkg/node_modules/x/index.js')).toBe(true)
    expect(ignored('/srv/app/.git/HEAD')).toBe(true)
    expect(ignored('/srv/app/src/index.js')).toBe(false)
    expect(ignored('/srv/app/.gitignore')).toBe(false)
  })

  it('an agent kept inside some node_modules still watches its own files', () => {
    const root = '/srv/node_modules/agent'
    const ignored = watchIgnorer({ cwd: root, watch: [root], ignore: [], home: '/var/orch' })
    expect(ignored(`${root}/index.js`)).toBe(false)
    expect(ignored(`${root}/node_modules/dep/index.js`)).toBe(true)
  })

  it('ignores ORCH_HOME when it sits under a watched path', () => {
    const ignored = ignorer([], { home: '/srv/app/.orch' })
    expect(ignored('/srv/app/.orch')).toBe(true)
    expect(ignored('/srv/app/.orch/logs/app.out.log')).toBe(true)
    expect(ignored('/srv/app/.orch/desired.json')).toBe(true)
    expect(ignored('/srv/app/.orchestra/x')).toBe(false)
    expect(ignored('/srv/app/main.js')).toBe(false)
  })

  it("a path watched inside ORCH_HOME stays watched, orch's own folders aside", () => {
    const home = '/var/orch'
    const ignored = watchIgnorer({ cwd: home, watch: [`${home}/watched.txt`, `${home}/app`], ignore: [], home })
    expect(ignored(`${home}/watched.txt`)).toBe(false)
    expect(ignored(`${home}/app/main.js`)).toBe(false)
    expect(ignored(`${home}/logs/a.out.log`)).toBe(true)
    expect(ignored(`${home}/cache/ts/x.mjs`)).toBe(true)
    expect(ignored(`${home}/data/queue.db`)).toBe(true)
  })

  it('a plain path is relative to cwd and covers what is under it', () => {
    const ignored = ignorer(['tmp', './data/cache.json', '/srv/app/uploads/'])
    expect(ignored('/srv/app/tmp')).toBe(true)
    expect(ignored('/srv/app/tmp/a/b')).toBe(true)
    expect(ignored('/srv/app/tmpx')).toBe(false)
    expect(ignored('/srv/app/src/tmp')).toBe(false)
    expect(ignored('/srv/app/data/cache.json')).toBe(true)
    expect(ignored('/srv/app/data/other.json')).toBe(false)
    expect(ignored('/srv/app/uploads/x.png')).toBe(true)
  })

  it('a glob without / matches a name at any depth', () => {
    const ignored = ignorer(['*.log'])
    expect(ignored('/srv/app/out.log')).toBe(true)
    expect(ignored('/srv/app/a/b/out.log')).toBe(true)
    expect(ignored('/srv/app/out.log.txt')).toBe(false)
    // a folder that matches takes what is under it
    expect(ignored('/srv/app/x.log/y.txt')).toBe(true)
  })

  it('a glob with / is matched from cwd', () => {
    const ignored = ignorer(['tmp/**', '**/*.tmp', './build/*.js'])
    expect(ignored('/srv/app/tmp')).toBe(true)
    expect(ignored('/srv/app/tmp/a/b.txt')).toBe(true)
    expect(ignored('/srv/app/src/tmp/a')).toBe(false)
    expect(ignored('/srv/app/a.tmp')).toBe(true)
    expect(ignored('/srv/app/deep/er/a.tmp')).toBe(true)
    expect(ignored('/srv/app/build/main.js')).toBe(true)
    expect(ignored('/srv/app/build/sub/main.js')).toBe(false)
    expect(ignored('/srv/app/src/main.js')).toBe(false)
  })

  it('a glob with / does not match outside cwd; one without / still does', () => {
    const ignored = watchIgnorer({ cwd, watch: [cwd, '/srv/shared'], ignore: ['tmp/**', '*.log'], home: '/var/orch' })
    expect(ignored('/srv/shared/tmp/x')).toBe(false)
    expect(ignored('/srv/shared/x.log')).toBe(true)
  })

  it('an absolute glob is matched against the whole path', () => {
    const ignored = ignorer(['/srv/app/gen/*.js'])
    expect(ignored('/srv/app/gen/a.js')).toBe(true)
    expect(ignored('/srv/app/src/a.js')).toBe(false)
  })
})

describe('within', () => {
  it('is the folder itself or under it, not a sibling with the same start', () => {
    expect(within('/a/b', '/a/b')).toBe(true)
    expect(within('/a/b/c', '/a/b')).toBe(true)
    expect(within('/a/bc', '/a/b')).toBe(false)
    expect(within('/a', '/a/b')).toBe(false)
    expect(within('/a/..b/c', '/a')).toBe(true)
  })
})
