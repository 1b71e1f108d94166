import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real daemons and agents; one file per process keeps ORCH_HOME and process.env apart.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    disableConsoleIntercept: true,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
})
