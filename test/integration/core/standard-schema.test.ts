/**
 * User schemas from libraries other than zod 4, on the real binary and both transports: a valibot
 * tool the model calls (its arguments checked by valibot), and an arktype outputSchema that codex
 * sends to the model as arktype's JSON Schema and that types and validates `structuredOutput`.
 */
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { type } from "arktype";
import * as v from "valibot";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { OutputSchemaError, tool, type ToolCallItem } from "../../../src/index.js";
import { functionCallOutput, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { TRANSPORTS, toolCallFor } from "../../helpers/transports.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe.each(TRANSPORTS)("%s transport: Standard Schema libraries", (transport) => {
  it("runs a valibot tool with valibot-checked arguments and types an arktype structuredOutput", async () => {
    const seen: Array<{ city: string; days: number }> = [];
    const forecast = tool({
      name: "forecast",
      description: "The weather for a city",
      parameters: toStandardJsonSchema(v.object({ city: v.pipe(v.string(), v.minLength(2)), days: v.optional(v.number(), 1) })),
      execute: (args) => {
        seen.push(args);
        return `${args.city}: sunny for ${args.days} day(s)`;
      },
    });
    const report = type({ city: "string", sunny: "boolean", "+": "reject" });
    h = await harness(transport, { tools: [forecast] });
    h.model
      .reply(toolCallFor(transport, "forecast", { city: "X" }, { callId: "bad" }))
      .reply(toolCallFor(transport, "forecast", { city: "Oslo" }, { callId: "good" }))
      .reply(say('{"city":"Oslo","sunny":true}'))
      .reply(say('{"city":"Oslo","sunny":"yes"}'));
    const thread = h.thread();
    const turn = await thread.run("weather in Oslo?", { outputSchema: report });

    // The tool: valibot refused the first call (execute never saw it) and passed the second, default applied.
    expect(seen).toEqual([{ city: "Oslo", days: 1 }]);
    const requests = h.model.responseRequests();
    expect(functionCallOutput(requests[1]!, "bad")).toMatch(/invalid arguments for forecast: city: Invalid length/);
    expect(functionCallOutput(requests[2]!, "good")).toContain("Oslo: sunny for 1 day(s)");
    const calls = turn.items.filter((i): i is ToolCallItem => i.type === "tool_call");
    expect(calls.map((c) => c.status)).toEqual(["failed", "completed"]);
    // valibot's JSON Schema reached the model (codex itself drops keywords such as minLength).
    const offered = JSON.stringify(requests[0]!.body);
    expect(offered.includes('"properties":{"city":{"type":"string"},"days":{"type":"number"}},"required":["city"]')).toBe(true);

    // The output: arktype's own JSON Schema went to the model, and the answer is typed and validated.
    const format = (requests[0]!.body as { text?: { format?: { type?: string; schema?: unknown } } }).text?.format;
    expect(format?.type).toBe("json_schema");
    expect(format?.schema).toMatchObject({ type: "object", properties: { city: { type: "string" }, sunny: { type: "boolean" } }, additionalProperties: false });
    expectTypeOf(turn.structuredOutput).toEqualTypeOf<{ city: string; sunny: boolean } | undefined>();
    expect(turn.structuredOutput).toEqual({ city: "Oslo", sunny: true });
    const error = await thread.run("again", { outputSchema: report }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputSchemaError);
    expect((error as OutputSchemaError).rawText).toBe('{"city":"Oslo","sunny":"yes"}');
    expect((error as OutputSchemaError).issues[0]).toMatch(/^sunny: /);
  });
});
