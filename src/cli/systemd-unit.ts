import { createHash } from 'node:crypto'
import { homedir } from 'node:os'
import { basename, isAbsolute, join, resolve } from 'node:path'

/**
 * The systemd user unit of `orch startup` / `orch unstartup`: one per
 * ORCH_HOME, so two homes never overwrite each other's unit.
 */

/** Characters of the home's folder name kept in a unit name; the hash tells homes apart. */
const MAX_SLUG = 32

/**
 * `orch.service` for the default home (~/.orch); otherwise
 * `orch-<home's folder name>-<8 hex of the home's path hash>.service`: readable
 * in `systemctl --user list-units`, and two homes of the same folder name in
 * different places still differ.
 */
export function unitName(home: string, userHome: string = homedir()): string {
  const abs = resolve(home)
  if (abs === resolve(userHome, '.orch')) return 'orch.service'
  // systemd unit names take [A-Za-z0-9:_.\-]; a leading dot or dash reads badly
  const slug = basename(abs).replace(/[^A-Za-z0-9_-]/g, '-').replace(/^-+/, '').slice(0, MAX_SLUG) || 'home'
  const hash = createHash('sha256').update(abs).digest('hex').slice(0, 8)
  return `orch-${slug}-${hash}.service`
}

/** `$XDG_CONFIG_HOME/systemd/user`, or `~/.config/systemd/user` (a relative XDG_CONFIG_HOME is ignored, as the spec says). */
export function unitDir(env: NodeJS.ProcessEnv = process.env, userHome: string = homedir()): string {
  const xdg = env.XDG_CONFIG_HOME
  return join(xdg && isAbsolute(xdg) ? xdg : join(userHome, '.config'), 'systemd', 'user')
}

export interface UnitSpec {
  home: string
  node: string
  bin: string
  path: string
}

export function renderUnit(s: UnitSpec): string {
  return [
    '[Unit]',
    `Description=orch daemon for ${s.home}: keeps a team of agents running`,
    'After=network.target',
    '',
    '[Service]',
    'Type=simple',
    `Environment=ORCH_HOME=${s.home}`,
    `Environment=PATH=${s.path}`,
    `ExecStart=${s.node} ${s.bin} daemon run`,
    `ExecStartPost=${s.node} ${s.bin} resurrect`,
    // Agents are detached into their own groups; stopping the unit must not kill them with the daemon.
    'KillMode=process',
    'Restart=on-failure',
    'RestartSec=1',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n')
}

/** Whether a unit file's text is one `orch startup` wrote for `home` (whatever node, PATH or orch version it names). */
export function isUnitFor(text: string, home: string): boolean {
  return text.split('\n').includes(`Environment=ORCH_HOME=${home}`) && /^ExecStart=.* daemon run$/m.test(text)
}

/** The first line where two texts differ, for a message: `line 8: 'PATH=/a' here, 'PATH=/b' in the file`. */
export function firstDifference(ours: string, theirs: string): string {
  const a = ours.split('\n')
  const b = theirs.split('\n')
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: '${b[i] ?? ''}' in the file, '${a[i] ?? ''}' from orch`
  }
  return 'none'
}
