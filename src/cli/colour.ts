/**
 * Colour for people, none for pipes: on when the stream is a terminal, off
 * with NO_COLOR (https://no-color.org) or TERM=dumb; FORCE_COLOR forces it
 * on (FORCE_COLOR=0 off), ahead of NO_COLOR, as Node itself reads them.
 */
export function colourEnabled(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.TERM === 'dumb') return false
  return Boolean(stream.isTTY)
}

const CODES = { red: 31, green: 32, yellow: 33, grey: 90, bold: 1 } as const
export type Colour = keyof typeof CODES

export function paint(text: string, colour: Colour | undefined, on: boolean): string {
  return on && colour ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text
}

/** The colour of an agent status, as pm2's: running green, failed red, down grey, on its way yellow. */
export function statusColour(status: string): Colour | undefined {
  switch (status) {
    case 'online':
      return 'green'
    case 'errored':
      return 'red'
    case 'stopped':
      return 'grey'
    case 'starting':
    case 'stopping':
    case 'backoff':
      return 'yellow'
    default:
      return undefined
  }
}

/** How wide the terminal is; undefined when stdout is not one (a pipe or a file gets whole lines). */
export function terminalColumns(stream: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  return stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : undefined
}
