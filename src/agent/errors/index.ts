export * from './agent-closed-error.js'
export * from './codes.js'
export * from './request-timeout-error.js'
