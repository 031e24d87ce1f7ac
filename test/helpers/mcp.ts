/** The MCP fixture server (test/fixtures/mcp/fixture-server.mjs), built with the MCP SDK. */
import { fileURLToPath } from "node:url";

/** Path of the fixture server script; run it with `process.execPath`. */
export const FIXTURE = fileURLToPath(new URL("../fixtures/mcp/fixture-server.mjs", import.meta.url));
