import type { OrchConfig } from './types.js'

/** Only adds types to an ecosystem config. */
export function defineConfig(config: OrchConfig): OrchConfig {
  return config
}
