import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runBin } from '../helpers/bin.js'
import { useHomes, type TestHome } from '../helpers/orch.js'

const home = useHomes()

interface Installed {
  name: string
  path: string
  installed: boolean
  unchanged?: boolean
  replaced?: boolean
  unit: string
  commands: string[]
}

/** HOME and XDG_CONFIG_HOME inside the test's temporary home: nothing of the real user's is read or written. */
function env(t: TestHome, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { HOME: join(t.home, 'user'), XDG_CONFIG_HOME: undefined, ORCH_HOME: t.home, ...extra }
}
const json = <T>(r: { stdout: string }): T => JSON.parse(r.stdout) as T

describe('orch startup / unstartup', () => {
  it('the default home keeps orch.service; another home gets a unit of its own; two homes do not collide', async () => {
    const t = home()
    const user = join(t.home, 'user')
    const a = json<Installed>(await runBin(['startup', '--install', '--json'], env(t, { ORCH_HOME: undefined })))
    expect(a.name).toBe('orch.service')
    expect(a.path).toBe(join(user, '.config/systemd/user/orch.service'))
    expect(readFileSync(a.path, 'utf8')).toContain(`Environment=ORCH_HOME=${join(user, '.orch')}`)

    const b = json<Installed>(await runBin(['startup', '--install', '--json'], env(t, { ORCH_HOME: join(t.home, 'team-b') })))
    const c = json<Installed>(await runBin(['startup', '--install', '--json'], env(t, { ORCH_HOME: join(t.home, 'team-c') })))
    expect(b.name).toMatch(/^orch-team-b-[0-9a-f]{8}\.service$/)
    expect(c.name).toMatch(/^orch-team-c-[0-9a-f]{8}\.service$/)
    for (const u of [a, b, c]) expect(readFileSync(u.path, 'utf8')).toBe(u.unit)
    expect(b.commands[0]).toBe(`systemctl --user daemon-reload && systemctl --user enable --now ${b.name}`)
    expect(readFileSync(b.path, 'utf8')).toMatch(/^ExecStart=.* daemon run$/m)
    expect(readFileSync(b.path, 'utf8')).toMatch(/^ExecStartPost=.* resurrect$/m)
  })

  it('writes under XDG_CONFIG_HOME when it is set', async () => {
    const t = home()
    const xdg = join(t.home, 'xdg')
    const r = json<Installed>(await runBin(['startup', '--install', '--json'], env(t, { XDG_CONFIG_HOME: xdg })))
    expect(r.path.startsWith(join(xdg, 'systemd/user/orch-'))).toBe(true)
    expect(existsSync(r.path)).toBe(true)
    expect(existsSync(join(t.home, 'user', '.config'))).toBe(false)
  })

  it('refuses to overwrite a different unit without --force; the same unit is left as it is', async () => {
    const t = home()
    const first = json<Installed>(await runBin(['startup', '--install', '--json'], env(t)))
    const again = json<Installed>(await runBin(['startup', '--install', '--json'], env(t)))
    expect(again).toMatchObject({ installed: true, unchanged: true })

    // the same unit, from a shell with another PATH: a different file
    writeFileSync(first.path, 'hand-edited\n')
    const refused = await runBin(['startup', '--install', '--json'], env(t, { PATH: `/opt/x:${process.env.PATH}` }))
    expect(refused.status).toBe(1)
    expect(json<{ error: { code: string; message: string } }>(refused).error).toMatchObject({
      code: 'E_UNIT_CONFLICT',
      message: expect.stringContaining(`${first.path} exists and differs from the unit orch would write (line 1: 'hand-edited' in the file`),
    })
    expect(readFileSync(first.path, 'utf8')).toBe('hand-edited\n')
    const human = await runBin(['startup', '--install'], env(t))
    expect(human.stderr).toMatch(/^Error: .* rerun with --force to replace it/)

    const forced = await runBin(['startup', '--install', '--force'], env(t))
    expect(forced.status).toBe(0)
    expect(forced.stderr).toContain(`warning: replacing ${first.path}, which differed`)
    expect(readFileSync(first.path, 'utf8')).toBe(first.unit)
  })

  it('unstartup removes the unit it would install and its wants link, and prints the systemctl commands', async () => {
    const t = home()
    const installed = json<Installed>(await runBin(['startup', '--install', '--json'], env(t)))
    // what `systemctl --user enable` makes
    const wantsDir = join(t.home, 'user/.config/systemd/user/default.target.wants')
    mkdirSync(wantsDir, { recursive: true })
    symlinkSync(installed.path, join(wantsDir, installed.name))

    const r = await runBin(['unstartup'], env(t))
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(`removed ${installed.path}`)
    expect(r.stdout).toContain(`now run: systemctl --user stop ${installed.name}; systemctl --user daemon-reload`)
    expect(existsSync(installed.path)).toBe(false)
    expect(() => lstatSync(join(wantsDir, installed.name))).toThrow()

    const none = json<{ removed: boolean }>(await runBin(['unstartup', '--json'], env(t)))
    expect(none.removed).toBe(false)
  })

  it("unstartup leaves alone a unit of that name that is not orch's for this home", async () => {
    const t = home()
    const dir = join(t.home, 'user/.config/systemd/user')
    mkdirSync(dir, { recursive: true })
    const path = join(dir, 'orch.service')
    writeFileSync(path, '[Service]\nExecStart=/usr/local/bin/something-else\n')
    const r = await runBin(['unstartup', '--json'], env(t, { ORCH_HOME: undefined }))
    expect(r.status).toBe(1)
    expect(json<{ error: { code: string } }>(r).error.code).toBe('E_UNIT_CONFLICT')
    expect(existsSync(path)).toBe(true)
    expect((await runBin(['unstartup', '--force'], env(t, { ORCH_HOME: undefined }))).status).toBe(0)
    expect(existsSync(path)).toBe(false)
  })
})
