/** Types only: each options schema agrees with its TypeScript type, both ways, so neither can drift. */
import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type {
  appServerOptionsSchema,
  CodexMcpServer,
  CodexOptions,
  codexMcpServerSchema,
  codexOptionsSchema,
  filesOptionsSchema,
  mcpConnectOptionsSchema,
  mcpServerConfigSchema,
  RetryOptions,
  retryOptionsSchema,
  RetrySetting,
  retrySettingSchema,
  ThreadOptions,
  threadOptionsSchema,
  TurnOptions,
  turnOptionsSchema,
  AppServerOptions,
} from "../../../src/options/index.js";
import type { FilesOptions } from "../../../src/files/index.js";
import type { McpConnectOptions, McpServerConfig } from "../../../src/mcp/index.js";

describe("options schemas", () => {
  it("accept every value their types allow, and give back only such values", () => {
    expectTypeOf<CodexOptions>().toExtend<z.input<typeof codexOptionsSchema>>();
    expectTypeOf<z.output<typeof codexOptionsSchema>>().toExtend<CodexOptions>();
    expectTypeOf<ThreadOptions>().toExtend<z.input<typeof threadOptionsSchema>>();
    expectTypeOf<z.output<typeof threadOptionsSchema>>().toExtend<ThreadOptions>();
    expectTypeOf<TurnOptions>().toExtend<z.input<typeof turnOptionsSchema>>();
    expectTypeOf<z.output<typeof turnOptionsSchema>>().toExtend<TurnOptions>();
    expectTypeOf<RetryOptions>().toExtend<z.input<typeof retryOptionsSchema>>();
    expectTypeOf<z.output<typeof retryOptionsSchema>>().toExtend<RetryOptions>();
    expectTypeOf<RetrySetting>().toExtend<z.input<typeof retrySettingSchema>>();
    expectTypeOf<AppServerOptions>().toExtend<z.input<typeof appServerOptionsSchema>>();
    expectTypeOf<z.output<typeof appServerOptionsSchema>>().toExtend<AppServerOptions>();
    expectTypeOf<FilesOptions>().toExtend<z.input<typeof filesOptionsSchema>>();
    expectTypeOf<z.output<typeof filesOptionsSchema>>().toExtend<FilesOptions>();
    expectTypeOf<McpConnectOptions>().toExtend<z.input<typeof mcpConnectOptionsSchema>>();
    expectTypeOf<z.output<typeof mcpConnectOptionsSchema>>().toExtend<McpConnectOptions>();
    expectTypeOf<McpServerConfig>().toExtend<z.input<typeof mcpServerConfigSchema>>();
    expectTypeOf<CodexMcpServer>().toExtend<z.input<typeof codexMcpServerSchema>>();
  });

  it("know exactly the keys of their types: an option added to a type must be added to its schema", () => {
    expectTypeOf<keyof z.input<typeof codexOptionsSchema>>().toEqualTypeOf<keyof CodexOptions>();
    expectTypeOf<keyof z.input<typeof threadOptionsSchema>>().toEqualTypeOf<keyof ThreadOptions>();
    expectTypeOf<keyof z.input<typeof turnOptionsSchema>>().toEqualTypeOf<keyof TurnOptions>();
    expectTypeOf<keyof z.input<typeof retryOptionsSchema>>().toEqualTypeOf<keyof RetryOptions>();
    expectTypeOf<keyof z.input<typeof appServerOptionsSchema>>().toEqualTypeOf<keyof AppServerOptions>();
    expectTypeOf<keyof z.input<typeof filesOptionsSchema>>().toEqualTypeOf<keyof FilesOptions>();
    expectTypeOf<keyof z.input<typeof mcpConnectOptionsSchema>>().toEqualTypeOf<keyof McpConnectOptions>();
  });
});
