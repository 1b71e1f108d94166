/**
 * Text from elsewhere (agent ids, message types, nack reasons, config
 * values) can carry terminal escape sequences: a client could clear the
 * screen, retitle the window or hide a line of `orch queue ls`. Everything a
 * command prints for a person goes through here; `--json` needs nothing, as
 * JSON.stringify escapes control characters itself.
 *
 * Escaped: C0 controls (tab and newline are kept by `safeText`), DEL, C1
 * controls (0x80-0x9f: 0x9b is a one-byte CSI), and the Unicode line
 * separators and bidirectional overrides that reorder what a line shows.
 */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const UNSAFE_BUT_TAB_AND_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const UNSAFE_AND_TAB = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function escapeChar(c: string): string {
  const named = NAMED[c]
  if (named) return named
  const code = c.charCodeAt(0)
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** For free text of several lines (an error message, a rendered view): keeps newlines and tabs. */
export function safeText(text: string): string {
  return text.replace(UNSAFE_BUT_TAB_AND_NEWLINE, escapeChar)
}

/** For one line (a log line): keeps tabs only. */
export function safeLine(text: string): string {
  return text.replace(UNSAFE, escapeChar)
}

/** For a table cell or a field value: nothing that moves the cursor, not even a tab or a newline. */
export function safeCell(text: string): string {
  return text.replace(UNSAFE_AND_TAB, escapeChar)
}
