import { describe, expect, it } from "vitest";
import { CodexError, InvalidOptionsError } from "../../src/errors/index.js";
import { normalizeInput } from "../../src/input.js";
import type { Input, UserInput } from "../../src/options/index.js";

function rejects(input: unknown): InvalidOptionsError {
  try {
    normalizeInput(input as Input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toBeInstanceOf(CodexError);
    return error as InvalidOptionsError;
  }
  throw new Error("expected normalizeInput to throw");
}

describe("normalizeInput", () => {
  it("keeps attachments (a staged file or its id) for the turn layer, and refuses anything else", () => {
    const id = "a".repeat(64);
    expect(normalizeInput([{ type: "attachment", file: id }]).attachmentRefs).toEqual([id]);
    expect(() => normalizeInput([{ type: "attachment", file: 42 as never }])).toThrow(/input\[0\]\.file must be a staged file/);
    expect(() => normalizeInput([{ type: "attachment", file: {} as never }])).toThrow(InvalidOptionsError);
  });

  it("takes a string as the prompt", () => {
    expect(normalizeInput("hello")).toEqual({
      prompt: "hello",
      parts: [{ type: "text", text: "hello" }],
      images: [],
      imageUrls: [],
      files: [],
      attachmentRefs: [],
      attachments: [],
    });
    expect(normalizeInput("").prompt).toBe("");
  });

  it("splits a mixed array by kind, keeping order within each kind", () => {
    const parts: UserInput[] = [
      { type: "text", text: "first" },
      { type: "local_image", path: "/img/a.png" },
      { type: "image", url: "https://example.com/x.png" },
      { type: "file", path: "src/a.ts" },
      { type: "text", text: "second" },
      { type: "local_image", path: "/img/b.jpg" },
      { type: "file", path: "src/b.ts" },
      { type: "text", text: "third" },
    ];
    const out = normalizeInput(parts);
    expect(out.prompt).toBe("first\n\nsecond\n\nthird");
    expect(out.images).toEqual(["/img/a.png", "/img/b.jpg"]);
    expect(out.imageUrls).toEqual(["https://example.com/x.png"]);
    expect(out.files).toEqual(["src/a.ts", "src/b.ts"]);
    expect(out.parts).toEqual(parts);
  });

  it("accepts an empty array and images without text", () => {
    expect(normalizeInput([])).toEqual({ prompt: "", parts: [], images: [], imageUrls: [], files: [], attachmentRefs: [], attachments: [] });
    const out = normalizeInput([{ type: "local_image", path: "a.png" }]);
    expect(out.prompt).toBe("");
    expect(out.images).toEqual(["a.png"]);
  });

  it("keeps empty text parts in the join", () => {
    expect(normalizeInput([{ type: "text", text: "a" }, { type: "text", text: "" }, { type: "text", text: "b" }]).prompt).toBe("a\n\n\n\nb");
  });

  it.each([
    [undefined, "input must be a string or an array"],
    [null, "input must be a string or an array"],
    [42, "input must be a string or an array"],
    [{ type: "text", text: "not in an array" }, "input must be a string or an array"],
    [[null], "input[0] must be an object"],
    [["plain string"], "input[0] must be an object"],
    [[{ type: "text", text: "ok" }, 7], "input[1] must be an object"],
    [[{ type: "text" }], "input[0].text must be a string"],
    [[{ type: "text", text: 5 }], "input[0].text must be a string"],
    [[{ type: "local_image" }], "input[0].path must be a string"],
    [[{ type: "image", path: "x.png" }], "input[0].url must be a string"],
    [[{ type: "file", path: ["a"] }], "input[0].path must be a string"],
    [[{ type: "video", path: "a.mp4" }], 'input[0] has unknown type "video"'],
    [[{ text: "no type" }], "input[0] has unknown type undefined"],
  ])("rejects %j", (input, message) => {
    expect(rejects(input).message).toContain(message);
  });
});
