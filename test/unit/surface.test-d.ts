/**
 * The public surface at compile time: internals are types, not values; the official SDK's type
 * names are all there; renamed types have their new names.
 */
import type * as Official from "@openai/codex-sdk";
import { describe, expectTypeOf, it } from "vitest";
import type * as Root from "../../src/index.js";
import type {
  AgentMessageItem,
  ApprovalMode,
  CodexFiles,
  CodexOptions,
  CommandExecutionItem,
  CyberAccessProgram,
  ErrorItem,
  FileChangeItem,
  Input,
  ItemCompletedEvent,
  ItemStartedEvent,
  ItemUpdatedEvent,
  McpClients,
  McpConnectionState,
  McpServerConnection,
  McpServerStatus,
  McpStatusListener,
  McpToolCallItem,
  ModelReasoningEffort,
  ReasoningItem,
  RunResult,
  RunStreamedResult,
  SandboxMode,
  ThreadError,
  ThreadErrorEvent,
  ThreadEvent,
  ThreadItem,
  ThreadOptions,
  ThreadStartedEvent,
  TodoListItem,
  ToolRegistry,
  TurnCompletedEvent,
  TurnFailedEvent,
  TurnOptions,
  TurnStartedEvent,
  Usage,
  UserInput,
  WebSearchItem,
  WebSearchMode,
} from "../../src/index.js";

describe("public surface types", () => {
  it("has every type name of the official SDK", () => {
    // A missing name fails the import above; these check a few shapes are the same ones.
    expectTypeOf<Official.ThreadOptions>().toExtend<ThreadOptions>();
    expectTypeOf<Official.Input>().toExtend<Input>();
    expectTypeOf<
      [
        AgentMessageItem,
        ApprovalMode,
        CodexOptions,
        CommandExecutionItem,
        CyberAccessProgram,
        ErrorItem,
        FileChangeItem,
        ItemCompletedEvent,
        ItemStartedEvent,
        ItemUpdatedEvent,
        McpToolCallItem,
        ModelReasoningEffort,
        ReasoningItem,
        RunResult,
        RunStreamedResult,
        SandboxMode,
        ThreadError,
        ThreadErrorEvent,
        ThreadEvent,
        ThreadItem,
        ThreadStartedEvent,
        TodoListItem,
        TurnOptions,
        TurnCompletedEvent,
        TurnFailedEvent,
        TurnStartedEvent,
        Usage,
        UserInput,
        WebSearchItem,
        WebSearchMode,
      ]
    >().not.toBeNever();
  });

  it("exports internals as types only: they are not in the module's value space", () => {
    type Values = keyof typeof Root;
    expectTypeOf<"CodexFiles" extends Values ? true : false>().toEqualTypeOf<false>();
    expectTypeOf<"McpClients" extends Values ? true : false>().toEqualTypeOf<false>();
    expectTypeOf<"McpServerConnection" extends Values ? true : false>().toEqualTypeOf<false>();
    expectTypeOf<"ToolRegistry" extends Values ? true : false>().toEqualTypeOf<false>();
    expectTypeOf<"Codex" extends Values ? true : false>().toEqualTypeOf<true>();
    // Still usable as types, e.g. for a helper that takes `codex.files`.
    expectTypeOf<Root.Codex["files"]>().toEqualTypeOf<CodexFiles>();
    expectTypeOf<Root.Codex["mcp"]>().toEqualTypeOf<McpClients>();
    expectTypeOf<Root.Codex["tools"]>().toEqualTypeOf<ToolRegistry>();
    expectTypeOf<ReturnType<McpClients["get"]>>().toEqualTypeOf<McpServerConnection | undefined>();
  });

  it("names a connection's state apart from codex's view of a server", () => {
    expectTypeOf<McpServerConnection["status"]>().toEqualTypeOf<McpConnectionState>();
    expectTypeOf<Parameters<McpStatusListener>[0]>().toEqualTypeOf<McpConnectionState>();
    expectTypeOf<Awaited<ReturnType<Root.Codex["mcpStatus"]>>>().toEqualTypeOf<McpServerStatus[]>();
  });
});
