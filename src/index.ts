export { defineConfig } from './core/config/define.js'
export type { AgentDefinition, OrchConfig, ResolvedAgent } from './core/config/types.js'
export { defineAgentType, definePlugin } from './core/plugins/types.js'
export type { AgentOptions, AgentType, OrchPlugin, PluginHooks, SpawnSpec } from './core/plugins/types.js'
export type { AgentInfo, AgentStatus, AgentEvent, AgentDescription } from './core/protocol/types.js'
// Plugin option schemas are written in Valibot, with orch's field types (they say what they allow in orch's errors).
export * as v from 'valibot'
export { bool, duration, int, json, num, oneOf, signal, size, str, stringMap, strings, type StringOptions } from './core/schema/fields.js'
export type { FieldProblem } from './core/schema/problems.js'
