/** What the config loader child sends back (loader-main.ts → load-outside.ts). */
export type LoaderAnswer =
  | { ok: true; file: string; dir: string; raw: unknown }
  | { ok: false; code: string; message: string }
