/** The escape sequences `orch monit` uses: plain ANSI/xterm, understood by every terminal emulator in use. */
export const ESC = {
  enterAltScreen: '\u001b[?1049h',
  leaveAltScreen: '\u001b[?1049l',
  hideCursor: '\u001b[?25l',
  showCursor: '\u001b[?25h',
  home: '\u001b[H',
  clearLine: '\u001b[K',
  clearBelow: '\u001b[J',
  inverse: '\u001b[7m',
  reset: '\u001b[0m',
} as const

export interface Tty {
  input: NodeJS.ReadStream
  output: NodeJS.WriteStream
}

/**
 * Takes the terminal (alternate screen, hidden cursor, raw input) and gives
 * it back exactly once, however monit ends: `q`, Ctrl-C, a signal, an error,
 * or the process exiting.
 */
export class Screen {
  private restored = false
  private readonly onExit = () => this.restore()

  constructor(private readonly tty: Tty) {}

  enter(): void {
    this.tty.input.setRawMode(true)
    this.tty.input.resume()
    this.tty.input.setEncoding('utf8')
    this.tty.output.write(ESC.enterAltScreen + ESC.hideCursor)
    process.once('exit', this.onExit)
  }

  /** Replaces the screen with `lines` (already cut to the width), in one write so it never flickers. */
  draw(lines: readonly string[]): void {
    if (this.restored) return
    this.tty.output.write(ESC.home + lines.map((l) => l + ESC.reset + ESC.clearLine).join('\r\n') + ESC.clearBelow)
  }

  get size(): { columns: number; rows: number } {
    return { columns: this.tty.output.columns || 80, rows: this.tty.output.rows || 24 }
  }

  restore(): void {
    if (this.restored) return
    this.restored = true
    process.off('exit', this.onExit)
    this.tty.output.write(ESC.reset + ESC.showCursor + ESC.leaveAltScreen)
    try {
      this.tty.input.setRawMode(false)
    } catch {}
    this.tty.input.pause()
  }
}
