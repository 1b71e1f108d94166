import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, command), constants.X_OK)
      return true
    } catch {}
  }
  return false
}

/**
 * Opens `url` in the user's browser, detached, when there is one: $BROWSER
 * (as Python's webbrowser reads it: commands separated by ':', the first one),
 * else xdg-open on a desktop session. Over SSH or in a container there is
 * none: false, and the caller prints the link.
 */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const browser = env.BROWSER?.split(':')[0]?.trim()
  const command = browser || (env.DISPLAY || env.WAYLAND_DISPLAY ? 'xdg-open' : undefined)
  if (!command || (!command.includes('/') && !onPath(command))) return false
  try {
    const child = spawn(command, [url], { detached: true, stdio: 'ignore' })
    child.on('error', () => {})
    child.unref()
    return true
  } catch {
    return false
  }
}
