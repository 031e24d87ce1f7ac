/**
 * The values an option may take where codexkit knows them all: an enum value goes into TOML and
 * JSON-RPC only if it is one of these, and a bound here is what the schema enforces.
 */
import type { ApprovalMode, CyberAccessProgram, ModelReasoningEffort, SandboxMode, TransportKind, WebSearchMode } from "./types.js";

/** `transport`. */
export const TRANSPORTS = ["exec", "app-server"] as const satisfies readonly TransportKind[];
/** `sandboxMode`. */
export const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"] as const satisfies readonly SandboxMode[];
/** `approvalPolicy`. */
export const APPROVAL_MODES = ["never", "on-request", "on-failure", "untrusted"] as const satisfies readonly ApprovalMode[];
/** `modelReasoningEffort`. */
export const REASONING_EFFORTS = ["minimal", "low", "medium", "high", "xhigh", "max", "ultra", "persistent"] as const satisfies readonly ModelReasoningEffort[];
/** `webSearchMode`. */
export const WEB_SEARCH_MODES = ["disabled", "cached", "live"] as const satisfies readonly WebSearchMode[];
/** A turn's `cyberAccessProgram`. */
export const CYBER_ACCESS_PROGRAMS = ["standard", "daybreak_blue", "daybreak_red"] as const satisfies readonly CyberAccessProgram[];

/** The most threads an app-server process remembers as loaded; `appServer.maxThreads` may not exceed it. */
export const MAX_LOADED_THREADS = 10_000;
