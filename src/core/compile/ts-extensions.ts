/** Scripts that are compiled before they run (Node 20 runs no TypeScript). */
export const TS_EXTENSIONS = /\.(ts|mts|cts|tsx)$/
