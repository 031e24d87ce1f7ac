/** The transports every core integration test runs on. */
import type { TransportKind } from "../../src/index.js";

export const TRANSPORTS: readonly TransportKind[] = ["exec", "app-server"];
