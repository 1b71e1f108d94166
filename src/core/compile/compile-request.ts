/** What the daemon asks the compiler child (compile-outside.ts → compile-main.ts). */
export interface CompileRequest {
  id: number
  script: string
  cacheDir: string
}

/** Its answer: the compiled file, or compileTs's error message (`cannot compile FILE:LINE:COLUMN: TEXT`). */
export type CompileAnswer = { id: number; ok: true; file: string } | { id: number; ok: false; message: string }
