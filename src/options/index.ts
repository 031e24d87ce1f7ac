/** The options of a client, a thread and a turn: their public types, and how they are checked. */
export type * from "./types.js";
