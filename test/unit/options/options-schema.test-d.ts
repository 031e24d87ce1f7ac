/** Types only: each options schema agrees with its TypeScript type, both ways, so neither can drift. */
import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type {
  CodexMcpServer,
  CodexOptions,
  OptionSchemas,
  RetryOptions,
  RetrySetting,
  ThreadOptions,
  TurnOptions,
  AppServerOptions,
} from "../../../src/options/index.js";
import type { FilesOptions } from "../../../src/files/index.js";
import type { McpConnectOptions, McpServerConfig } from "../../../src/mcp/index.js";

describe("options schemas", () => {
  it("accept every value their types allow, and give back only such values", () => {
    expectTypeOf<CodexOptions>().toExtend<z.input<OptionSchemas["codexOptionsSchema"]>>();
    expectTypeOf<z.output<OptionSchemas["codexOptionsSchema"]>>().toExtend<CodexOptions>();
    expectTypeOf<ThreadOptions>().toExtend<z.input<OptionSchemas["threadOptionsSchema"]>>();
    expectTypeOf<z.output<OptionSchemas["threadOptionsSchema"]>>().toExtend<ThreadOptions>();
    expectTypeOf<TurnOptions>().toExtend<z.input<OptionSchemas["turnOptionsSchema"]>>();
    expectTypeOf<z.output<OptionSchemas["turnOptionsSchema"]>>().toExtend<TurnOptions>();
    expectTypeOf<RetryOptions>().toExtend<z.input<OptionSchemas["retryOptionsSchema"]>>();
    expectTypeOf<z.output<OptionSchemas["retryOptionsSchema"]>>().toExtend<RetryOptions>();
    expectTypeOf<RetrySetting>().toExtend<z.input<OptionSchemas["retrySettingSchema"]>>();
    expectTypeOf<AppServerOptions>().toExtend<z.input<OptionSchemas["appServerOptionsSchema"]>>();
    expectTypeOf<z.output<OptionSchemas["appServerOptionsSchema"]>>().toExtend<AppServerOptions>();
    expectTypeOf<FilesOptions>().toExtend<z.input<OptionSchemas["filesOptionsSchema"]>>();
    expectTypeOf<z.output<OptionSchemas["filesOptionsSchema"]>>().toExtend<FilesOptions>();
    expectTypeOf<McpConnectOptions>().toExtend<z.input<OptionSchemas["mcpConnectOptionsSchema"]>>();
    expectTypeOf<z.output<OptionSchemas["mcpConnectOptionsSchema"]>>().toExtend<McpConnectOptions>();
    expectTypeOf<McpServerConfig>().toExtend<z.input<OptionSchemas["mcpServerConfigSchema"]>>();
    expectTypeOf<CodexMcpServer>().toExtend<z.input<OptionSchemas["codexMcpServerSchema"]>>();
  });

  it("know exactly the keys of their types: an option added to a type must be added to its schema", () => {
    expectTypeOf<keyof z.input<OptionSchemas["codexOptionsSchema"]>>().toEqualTypeOf<keyof CodexOptions>();
    expectTypeOf<keyof z.input<OptionSchemas["threadOptionsSchema"]>>().toEqualTypeOf<keyof ThreadOptions>();
    expectTypeOf<keyof z.input<OptionSchemas["turnOptionsSchema"]>>().toEqualTypeOf<keyof TurnOptions>();
    expectTypeOf<keyof z.input<OptionSchemas["retryOptionsSchema"]>>().toEqualTypeOf<keyof RetryOptions>();
    expectTypeOf<keyof z.input<OptionSchemas["appServerOptionsSchema"]>>().toEqualTypeOf<keyof AppServerOptions>();
    expectTypeOf<keyof z.input<OptionSchemas["filesOptionsSchema"]>>().toEqualTypeOf<keyof FilesOptions>();
    expectTypeOf<keyof z.input<OptionSchemas["mcpConnectOptionsSchema"]>>().toEqualTypeOf<keyof McpConnectOptions>();
  });
});
