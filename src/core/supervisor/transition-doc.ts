import {
  ACT_EFFECTS,
  LIFECYCLE_EVENTS,
  LIFECYCLE_FACTS,
  PREPARE_EFFECTS,
  isPrepareEffect,
  TRANSITION_TABLE,
  type TransitionRow,
} from './transitions.js'

/** Where docs/lifecycle.md holds the generated part. */
export const DOC_START = '<!-- transition-table:start (generated from src/core/supervisor/transition-table.ts; do not edit) -->'
export const DOC_END = '<!-- transition-table:end -->'

const code = (s: string): string => `\`${s}\``
const cell = (s: string): string => s.replace(/\|/g, '\\|')

function rowLine(row: TransitionRow): string {
  const from = row.from.map(code).join(', ')
  const when = row.when?.join(' and ') ?? ''
  const to = row.to === null ? (row.effects.length === 0 ? 'ignored' : 'stays') : `**${row.to}**`
  const effects = row.effects.map((e) => (isPrepareEffect(e) ? `${e}*` : e)).join(', ')
  return `| ${from} | ${code(row.event)} | ${cell(when)} | ${to} | ${effects} | ${cell(row.note ?? '')} |`
}

function legend(title: string, entries: Record<string, string>): string[] {
  return [`| ${title} | meaning |`, '| --- | --- |', ...Object.entries(entries).map(([k, v]) => `| ${code(k)} | ${cell(v)} |`)]
}

/** The transition table and its legends as markdown, for docs/lifecycle.md. */
export function renderTransitionDoc(): string {
  return [
    DOC_START,
    '',
    '| from | event | when | to | effects | note |',
    '| --- | --- | --- | --- | --- | --- |',
    ...TRANSITION_TABLE.map(rowLine),
    '',
    'The first row that matches wins. **stays**: the state does not change and nothing is recorded; ' +
      'the effects still run. **ignored**: nothing happens; so does every state × event pair with no row. ' +
      'Effects marked * change the instance before the transition is recorded (the state event already shows the new pid, or none).',
    '',
    ...legend('event', LIFECYCLE_EVENTS),
    '',
    ...legend('when', LIFECYCLE_FACTS),
    '',
    ...legend('effect*', PREPARE_EFFECTS),
    '',
    ...legend('effect', ACT_EFFECTS),
    '',
    DOC_END,
  ].join('\n')
}
