import { safeCell } from '../cli/safe-text.js'
import { TARGET_ARGS, TargetCommand } from '../cli/target-command.js'

export default class Delete extends TargetCommand<'agents.delete'> {
  static override summary = 'Stop an agent (or all) and forget it.'
  static override examples = ['<%= config.bin %> delete agent_1', '<%= config.bin %> delete worker:2', '<%= config.bin %> delete all']
  static override args = TARGET_ARGS
  protected readonly method = 'agents.delete'
  protected render = (r: { deleted: string[] }): string => `deleted ${r.deleted.map((id) => safeCell(id)).join(', ') || 'nothing'}`
}
