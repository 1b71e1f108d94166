import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'

interface Result {
  name: string
  path: string
  /** false: there was no unit file to remove */
  removed: boolean
  /** the default.target.wants link `systemctl enable` made, removed with the unit */
  unlinked?: string
  /** what to run next */
  commands: string[]
}

export default class Unstartup extends OrchCommand<Result> {
  static override summary = 'Remove the systemd user unit that `orch startup --install` writes for this ORCH_HOME.'
  static override description =
    'Removes $XDG_CONFIG_HOME/systemd/user/<unit> (default ~/.config/systemd/user) and its default.target.wants link ' +
    '(what `systemctl --user disable` removes), then prints the systemctl commands that stop the running unit and ' +
    'forget it. Agents keep running (the unit stops the daemon only). A unit file of that name that orch did not ' +
    'write for this ORCH_HOME is left alone unless --force.'
  static override examples = ['<%= config.bin %> unstartup', '<%= config.bin %> unstartup --json']
  static override flags = {
    force: Flags.boolean({ description: 'remove the unit file even if it is not one orch wrote for this ORCH_HOME' }),
  }

  async run(): Promise<Result> {
    const { flags } = await this.parse(Unstartup)
    const { join } = await import('node:path')
    const { existsSync, lstatSync, readFileSync, readlinkSync, unlinkSync } = await import('node:fs')
    const { isUnitFor, unitDir, unitName } = await import('../cli/systemd-unit.js')
    const home = this.paths.home
    const name = unitName(home)
    const dir = unitDir()
    const path = join(dir, name)
    const commands = [`systemctl --user stop ${name}; systemctl --user daemon-reload`]
    if (!existsSync(path)) {
      if (!this.jsonEnabled()) this.log(`no unit at ${path}; nothing to remove`)
      return { name, path, removed: false, commands: [] }
    }
    if (!flags.force && !isUnitFor(readFileSync(path, 'utf8'), home)) {
      const { UnitConflictError } = await import('../cli/unit-conflict-error.js')
      throw new UnitConflictError(`${path} is not a unit orch wrote for ${home}; left alone: remove it by hand, or rerun with --force`)
    }
    // the link that starts the unit at login, what `systemctl --user disable` removes (it cannot once the file is gone)
    const wants = join(dir, 'default.target.wants', name)
    let unlinked: string | undefined
    try {
      if (lstatSync(wants).isSymbolicLink() && readlinkSync(wants).endsWith(`/${name}`)) {
        unlinkSync(wants)
        unlinked = wants
      }
    } catch {}
    unlinkSync(path)
    if (!this.jsonEnabled()) {
      this.log([`removed ${path}`, ...(unlinked ? [`removed ${unlinked}`] : []), `now run: ${commands[0]}`].join('\n'))
    }
    return { name, path, removed: true, ...(unlinked && { unlinked }), commands }
  }
}
