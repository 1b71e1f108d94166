/** Bumped when a change to the wire protocol would break an older peer. Checked by `hello`. */
export const PROTOCOL_VERSION = 1
