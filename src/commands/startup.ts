import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'

interface Result {
  unit: string
  /** the unit's name, `orch.service` for the default home, `orch-<folder>-<hash>.service` for another */
  name: string
  path: string
  installed: boolean
  /** --install found this very unit in place: nothing written */
  unchanged?: boolean
  /** --install --force replaced a different unit file */
  replaced?: boolean
  /** what to run next */
  commands: string[]
}

export default class Startup extends OrchCommand<Result> {
  static override summary = 'Print (or --install) a systemd user unit that runs the daemon at boot and resurrects the agents.'
  static override description =
    'The unit runs `orch daemon run` in the foreground for this ORCH_HOME; once it answers, `orch resurrect` starts what ' +
    'was running. One unit per ORCH_HOME: orch.service for the default ~/.orch, orch-<folder>-<hash>.service for ' +
    'another, so two homes never collide. With --install it is written to $XDG_CONFIG_HOME/systemd/user (default ' +
    '~/.config/systemd/user); a different unit file already there is not overwritten without --force (the same one is ' +
    'left as it is). Then run `systemctl --user daemon-reload && systemctl --user enable --now <unit>` (and ' +
    '`loginctl enable-linger $USER` so it starts without a login). `orch unstartup` removes it.'
  static override examples = ['<%= config.bin %> startup', '<%= config.bin %> startup --install', '<%= config.bin %> startup --install --force']
  static override flags = {
    install: Flags.boolean({ description: 'write the unit file instead of printing it' }),
    force: Flags.boolean({ description: 'with --install: replace a different unit file of the same name' }),
  }

  async run(): Promise<Result> {
    const { flags } = await this.parse(Startup)
    const { join } = await import('node:path')
    const { existsSync, mkdirSync, readFileSync, writeFileSync } = await import('node:fs')
    const { firstDifference, renderUnit, unitDir, unitName } = await import('../cli/systemd-unit.js')
    const home = this.paths.home
    const unit = renderUnit({ home, node: process.execPath, bin: join(this.config.root, 'bin', 'run.js'), path: process.env.PATH ?? '/usr/bin:/bin' })
    const name = unitName(home)
    const dir = unitDir()
    const path = join(dir, name)
    const commands = [`systemctl --user daemon-reload && systemctl --user enable --now ${name}`, 'loginctl enable-linger $USER']
    if (!flags.install) {
      if (!this.jsonEnabled()) this.log(`# ${path}\n${unit}`)
      return { unit, name, path, installed: false, commands }
    }
    const existing = existsSync(path) ? readFileSync(path, 'utf8') : undefined
    if (existing === unit) {
      if (!this.jsonEnabled()) this.log(`${path} is already this unit; nothing written\nto enable it: ${commands[0]}`)
      return { unit, name, path, installed: true, unchanged: true, commands }
    }
    if (existing !== undefined && !flags.force) {
      const { UnitConflictError } = await import('../cli/unit-conflict-error.js')
      throw new UnitConflictError(
        `${path} exists and differs from the unit orch would write (${firstDifference(unit, existing)}); ` +
          `nothing written: rerun with --force to replace it, or see it with 'orch startup'`,
      )
    }
    if (existing !== undefined) this.logToStderr(`warning: replacing ${path}, which differed (${firstDifference(unit, existing)})`)
    mkdirSync(dir, { recursive: true })
    writeFileSync(path, unit)
    if (!this.jsonEnabled()) this.log(`wrote ${path}\nnow run: ${commands[0]}\nand, to start it without a login: ${commands[1]}`)
    return { unit, name, path, installed: true, ...(existing !== undefined && { replaced: true }), commands }
  }
}
