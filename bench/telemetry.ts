/**
 * (e) What tracing costs: the 10-turn conversation of (a) on each codexkit transport, with no
 * tracer (the OpenTelemetry API's no-op) and with an SDK tracer provider and meter provider in
 * place (batch span processor; spans exported to a sink that drops them), interleaved and
 * rotated; median of `repeat` runs each. The target is under 3% on app-server.
 */
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { Codex, type TransportKind } from "../src/index.js";
import { MockModelServer, say, stream } from "../src/testing/index.js";
import { markdownTable, median, ms, notAvailable, range, ratio } from "./table.js";

/** Accepts spans and keeps none: the cost measured is codexkit's and the SDK's, not an exporter's. */
class DroppingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** A reader that only collects when asked (never, here): instruments still aggregate every record. */
class QuietReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

interface Variant {
  label: string;
  traced: boolean;
}

const VARIANTS: Variant[] = [
  { label: "no tracer", traced: false },
  { label: "SDK tracer + meter", traced: true },
];

/** Runs the section; `root` holds every directory it makes (removed by the caller). */
export async function tracingOverhead(root: string, turns: number, repeat: number, progress: (message: string) => void): Promise<string> {
  const model = await MockModelServer.start({ fallback: stream([say("ok")]) });
  const rows: string[][] = [];
  let spans = 0;
  try {
    for (const transport of ["app-server", "exec"] as TransportKind[]) {
      const samples = new Map<string, number[]>(VARIANTS.map((v) => [v.label, []]));
      let failure: string | undefined;
      for (let rep = 0; rep < repeat && !failure; rep++) {
        for (const variant of rep % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
          try {
            const result = await conversation(model, root, transport, variant, turns);
            spans += result.spans;
            samples.get(variant.label)!.push(result.ms);
            progress(`(e) ${transport} ${variant.label} rep ${rep + 1}/${repeat}: ${ms(result.ms)}`);
          } catch (error) {
            failure = error instanceof Error ? error.message : String(error);
          }
        }
      }
      const base = median(samples.get(VARIANTS[0]!.label)!);
      for (const variant of VARIANTS) {
        const times = samples.get(variant.label)!;
        rows.push(failure ? [`${transport}, ${variant.label}`, notAvailable(failure), "", ""] : [`${transport}, ${variant.label}`, ms(median(times)), range(times), ratio(median(times), base)]);
      }
    }
  } finally {
    await model.close();
  }
  return [
    `## (e) Tracing overhead: the ${turns}-turn conversation with and without a tracer`,
    "",
    `Wall time of a ${turns}-turn conversation (client creation to the last turn's end), median of ${repeat}, variants interleaved. The traced runs exported ${spans} spans in all.`,
    "",
    markdownTable(["transport, telemetry", "total (median)", "min–max", "× no tracer"], rows),
  ].join("\n");
}

async function conversation(model: MockModelServer, root: string, transport: TransportKind, variant: Variant, turns: number): Promise<{ ms: number; spans: number }> {
  const codexHome = mkdtempSync(path.join(root, "home-otel-"));
  const cwd = mkdtempSync(path.join(root, "cwd-otel-"));
  const exporter = new DroppingExporter();
  const tracerProvider = variant.traced ? new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] }) : undefined;
  const meterProvider = variant.traced ? new MeterProvider({ readers: [new QuietReader()] }) : undefined;
  const startedAt = performance.now();
  const codex = new Codex({
    ...model.codexOptions({ codexHome }),
    transport,
    ...(tracerProvider && meterProvider ? { tracer: tracerProvider.getTracer("codexkit"), meter: meterProvider.getMeter("codexkit") } : {}),
  });
  let elapsed: number;
  try {
    const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd, sandboxMode: "read-only" });
    for (let turn = 0; turn < turns; turn++) await thread.run("Reply with ok.");
    elapsed = performance.now() - startedAt;
  } finally {
    await codex.close();
    await tracerProvider?.shutdown();
    await meterProvider?.shutdown();
  }
  // Counted after shutdown: the batch processor flushes then.
  return { ms: elapsed, spans: exporter.exported };
}
