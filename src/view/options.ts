/** The options of `codex.view()`, apart from the viewer's code so the client names them without loading it. */

/** Options of `codex.view()`. */
export interface ViewOptions {
  /**
   * The port to listen on, on 127.0.0.1 (default 0: a free one). Only the first `view()` of a
   * client starts a server; later calls return its URL whatever they ask.
   */
  port?: number;
}
