import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'

interface Result {
  unit: string
  path: string
  installed: boolean
}

export default class Startup extends OrchCommand<Result> {
  static override summary = 'Print (or --install) a systemd user unit that runs the daemon at boot and resurrects the agents.'
  static override description =
    'The unit runs `orch daemon run` in the foreground for this ORCH_HOME; once it answers, `orch resurrect` starts what ' +
    'was running. With --install it is written to ~/.config/systemd/user/orch.service; then run ' +
    '`systemctl --user daemon-reload && systemctl --user enable --now orch` (and `loginctl enable-linger $USER` so it ' +
    'starts without a login).'
  static override examples = ['<%= config.bin %> startup', '<%= config.bin %> startup --install']
  static override flags = {
    install: Flags.boolean({ description: 'write the unit file instead of printing it' }),
  }

  async run(): Promise<Result> {
    const { flags } = await this.parse(Startup)
    const { join } = await import('node:path')
    const { homedir } = await import('node:os')
    const { mkdirSync, writeFileSync } = await import('node:fs')
    const bin = join(this.config.root, 'bin', 'run.js')
    const node = process.execPath
    const unit = [
      '[Unit]',
      'Description=orch daemon: keeps a team of agents running',
      'After=network.target',
      '',
      '[Service]',
      'Type=simple',
      `Environment=ORCH_HOME=${this.paths.home}`,
      `Environment=PATH=${process.env.PATH ?? '/usr/bin:/bin'}`,
      `ExecStart=${node} ${bin} daemon run`,
      `ExecStartPost=${node} ${bin} resurrect`,
      // Agents are detached into their own groups; stopping the unit must not kill them with the daemon.
      'KillMode=process',
      'Restart=on-failure',
      'RestartSec=1',
      '',
      '[Install]',
      'WantedBy=default.target',
      '',
    ].join('\n')
    const path = join(homedir(), '.config', 'systemd', 'user', 'orch.service')
    if (flags.install) {
      mkdirSync(join(homedir(), '.config', 'systemd', 'user'), { recursive: true })
      writeFileSync(path, unit)
      if (!this.jsonEnabled()) {
        this.log(`wrote ${path}\nnow run: systemctl --user daemon-reload && systemctl --user enable --now orch`)
      }
    } else if (!this.jsonEnabled()) {
      this.log(`# ${path}\n${unit}`)
    }
    return { unit, path, installed: Boolean(flags.install) }
  }
}
