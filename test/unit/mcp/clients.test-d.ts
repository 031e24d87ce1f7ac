/** Types only: `McpClients` is made with the check of `connect`'s arguments; it has no silent default. */
import { describe, expectTypeOf, it } from "vitest";
import { Redactor } from "../../../src/errors/index.js";
import { silentLogger } from "../../../src/logger.js";
import { McpClients } from "../../../src/mcp/index.js";
import { checkMcpConnect } from "../../../src/options/index.js";

describe("McpClients", () => {
  it("needs the connect check: without it a bad config would reach the server unchecked", () => {
    const services = { redactor: new Redactor(), logger: silentLogger };
    expectTypeOf(new McpClients(services, checkMcpConnect)).toEqualTypeOf<McpClients>();
    // @ts-expect-error the check is required
    expectTypeOf(new McpClients(services)).toEqualTypeOf<McpClients>();
    expectTypeOf<ConstructorParameters<typeof McpClients>["length"]>().toEqualTypeOf<2>();
  });
});
