import { AGENT_METHODS } from '../schemas/agent-methods.js'
import { DAEMON_METHODS } from '../schemas/daemon-methods.js'
import { INSPECT_METHODS } from '../schemas/inspect-methods.js'
import { replaceBlocks } from './generated-blocks.js'
import { errorCodesTable, eventsTable, methodSections, shapeSections } from './sections.js'
import { paramsTable } from './tables.js'

/**
 * docs/protocol.md with its generated blocks written from the schemas
 * (methods, events, shapes) and the error-code table. Run by
 * `npm run docs:gen`; a test fails when the page is stale.
 */
export function generateProtocolDocs(markdown: string): string {
  return replaceBlocks(markdown, {
    'params-hello': paramsTable(AGENT_METHODS.hello.params),
    'error-codes': errorCodesTable('wire'),
    'client-error-codes': errorCodesTable('client'),
    events: eventsTable(),
    'methods-agent': methodSections(AGENT_METHODS),
    'methods-inspect': methodSections(INSPECT_METHODS),
    'methods-daemon': methodSections(DAEMON_METHODS),
    shapes: shapeSections(['AgentInfo', 'AgentDescription', 'AgentEvent', 'UsageSample', 'RecoveredFile', 'InFlightMessage'], '####'),
    'shape-message': shapeSections(['WireMessage'], '###'),
  })
}
