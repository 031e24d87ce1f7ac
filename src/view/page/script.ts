/**
 * The viewer page's script, served inline as a static string (no framework, no build step). It
 * reads its token from its own URL, loads the thread list and one thread from the server's JSON
 * API, renders the thread in chunks (so a thread of thousands of items paints its top at once and
 * stays responsive), and, for a live source, applies the updates the server pushes over SSE.
 *
 * Every piece of agent content reaches the DOM through `textContent` (or a text node), never as
 * markup: output that contains `<script>` is shown as text. Class names come from fixed lists.
 * Long outputs are folded: their text is put in the page only when the fold is opened.
 *
 * Written as plain ES2020 without template literals (this file is itself a template literal).
 */
export const PAGE_SCRIPT = String.raw`
"use strict";
(function () {
  var params = new URLSearchParams(location.search);
  var token = params.get("token") || "";
  var body = document.body;
  var main = document.getElementById("thread");
  var nav = document.getElementById("threads");
  var CHUNK = 150;
  var FOLD_LINES = 20;
  var FOLD_CHARS = 4000;
  var DIFF_FOLD_LINES = 400;
  var KINDS = ["agent_message", "reasoning", "command_execution", "file_change", "mcp_tool_call", "web_search", "todo_list", "error", "tool_call", "approval", "stream_error"];

  var info = null;
  var current = null; // { id, header, turns: Map ref -> turn header, turnEls: Map ref -> element, entries: Map ref -> { v, el, entry, row } }
  var pending = []; // updates that arrived while a thread was loading
  var loading = false;
  var threadHeaders = new Map();

  function api(path, extra) {
    var q = new URLSearchParams(extra || {});
    q.set("token", token);
    return path + "?" + q.toString();
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function kindClass(kind) {
    return KINDS.indexOf(kind) >= 0 ? kind : "other";
  }

  function safeClass(value) {
    return String(value || "").replace(/[^a-z_-]/gi, "");
  }

  function ms(value) {
    if (typeof value !== "number" || !isFinite(value)) return "";
    if (value < 1000) return Math.round(value) + " ms";
    if (value < 60000) return (value / 1000).toFixed(1) + " s";
    var minutes = Math.floor(value / 60000);
    var seconds = Math.round((value % 60000) / 1000);
    return minutes + "m " + (seconds < 10 ? "0" : "") + seconds + "s";
  }

  function count(n) {
    return typeof n === "number" ? n.toLocaleString("en-US") : "";
  }

  function json(value) {
    if (typeof value === "string") return value;
    try {
      return JSON.stringify(value, null, 2);
    } catch (e) {
      return String(value);
    }
  }

  function lines(text) {
    return text === "" ? 0 : text.split("\n").length;
  }

  /** Text in a <pre>, folded behind a <details> when long; folded text is set when first opened. */
  function textBlock(label, text, cls) {
    text = String(text == null ? "" : text);
    var n = lines(text);
    if (n <= FOLD_LINES && text.length <= FOLD_CHARS) {
      var wrap = el("div", "block " + cls);
      if (label) wrap.appendChild(el("div", "block-label", label));
      wrap.appendChild(el("pre", "text", text));
      return wrap;
    }
    var details = el("details", "block fold " + cls);
    details.appendChild(el("summary", null, (label ? label + ": " : "") + count(n) + " lines, " + count(text.length) + " characters (folded)"));
    var pre = el("pre", "text");
    details.appendChild(pre);
    details.addEventListener("toggle", function () {
      if (details.open && !pre.firstChild) pre.textContent = text;
    });
    return details;
  }

  function badge(text, cls) {
    return el("span", "badge " + safeClass(cls), text);
  }

  // ---- entries ----

  function diffBlock(change, transport) {
    var kind = change.kind;
    if (typeof change.diff !== "string") {
      var why = transport === "exec"
        ? "No diff: codex exec does not report diffs. Run the thread on the app-server transport to see them."
        : "No diff was recorded for this change (codex reports diffs on the app-server transport only).";
      return el("p", "no-diff", why);
    }
    var text = change.diff.replace(/\n$/, "");
    var rows = text === "" ? [] : text.split("\n");
    var pre = el("pre", "diff");
    function fill() {
      var frag = document.createDocumentFragment();
      for (var i = 0; i < rows.length; i++) {
        var line = rows[i];
        var cls = "ctx";
        var shown = line;
        if (kind === "add") { cls = "add"; shown = "+" + line; }
        else if (kind === "delete") { cls = "del"; shown = "-" + line; }
        else if (line.indexOf("@@") === 0) cls = "hunk";
        else if (line.indexOf("+++") === 0 || line.indexOf("---") === 0) cls = "file";
        else if (line.charAt(0) === "+") cls = "add";
        else if (line.charAt(0) === "-") cls = "del";
        frag.appendChild(el("span", "line " + cls, shown + "\n"));
      }
      pre.appendChild(frag);
    }
    if (rows.length <= DIFF_FOLD_LINES) {
      fill();
      return pre;
    }
    var details = el("details", "fold diff-fold");
    details.appendChild(el("summary", null, "diff: " + count(rows.length) + " lines (folded)"));
    details.appendChild(pre);
    details.addEventListener("toggle", function () {
      if (details.open && !pre.firstChild) fill();
    });
    return details;
  }

  function entryHead(node, kindLabel, title, entry) {
    var head = el("div", "entry-head");
    head.appendChild(el("span", "kind", kindLabel));
    if (title !== null && title !== undefined) head.appendChild(el("span", "title", title));
    if (entry.status) head.appendChild(badge(entry.status, "status-" + entry.status));
    if (typeof entry.durationMs === "number") head.appendChild(el("span", "duration", ms(entry.durationMs)));
    node.appendChild(head);
    return head;
  }

  function approvalSummary(request) {
    if (!request) return "";
    switch (request.kind) {
      case "command": return request.command || "";
      case "file_change": return (request.changes || []).map(function (c) { return c.path; }).join(", ");
      case "mcp_tool": return (request.server || "") + " / " + (request.tool || "");
      case "permissions": return json(request.permissions);
      default: return request.method || "";
    }
  }

  function renderEntry(entry, transport) {
    var node = el("li", "entry kind-" + kindClass(entry.kind));
    node.dataset.ref = entry.ref;
    node.dataset.kind = kindClass(entry.kind);
    var item = entry.item || {};
    switch (entry.kind) {
      case "command_execution": {
        var head = entryHead(node, "command", null, entry);
        head.insertBefore(el("code", "cmd", "$ " + (item.command || "")), head.children[1] || null);
        if (typeof item.exit_code === "number") head.appendChild(badge("exit " + item.exit_code, item.exit_code === 0 ? "ok" : "fail"));
        if (item.aggregated_output) node.appendChild(textBlock("output", item.aggregated_output, "output"));
        break;
      }
      case "file_change": {
        entryHead(node, "file change", (item.changes || []).length + " file" + ((item.changes || []).length === 1 ? "" : "s"), entry);
        (item.changes || []).forEach(function (change) {
          var box = el("div", "change");
          var ch = el("div", "change-head");
          ch.appendChild(badge(change.kind, "change-" + change.kind));
          ch.appendChild(el("span", "path", change.path));
          box.appendChild(ch);
          box.appendChild(diffBlock(change, transport));
          node.appendChild(box);
        });
        break;
      }
      case "tool_call": {
        entryHead(node, "tool", item.tool, entry);
        node.appendChild(textBlock("arguments", json(item.arguments), "args json"));
        if (item.result !== undefined) node.appendChild(textBlock("result", json(item.result), "result json"));
        if (item.error) node.appendChild(el("p", "error-text", item.error.message));
        break;
      }
      case "mcp_tool_call": {
        entryHead(node, "MCP tool", (item.server || "") + " / " + (item.tool || ""), entry);
        node.appendChild(textBlock("arguments", json(item.arguments), "args json"));
        if (item.result) {
          var texts = (item.result.content || []).map(function (b) { return b && b.type === "text" ? b.text : json(b); }).join("\n");
          node.appendChild(textBlock("result", texts || json(item.result.structured_content), "result"));
        }
        if (item.error) node.appendChild(el("p", "error-text", item.error.message));
        break;
      }
      case "approval": {
        var approval = entry.approval || {};
        var request = approval.request || {};
        var ah = entryHead(node, "approval", (request.kind || "") + ": " + approvalSummary(request), { status: null, durationMs: null });
        if (approval.decision) ah.appendChild(badge(approval.decision, "decision-" + approval.decision));
        else ah.appendChild(badge("waiting", "status-waiting"));
        var facts = el("p", "approval-facts");
        if (approval.source) facts.appendChild(el("span", "decided-by", "decided by " + approval.source));
        if (typeof approval.waitMs === "number") facts.appendChild(el("span", "wait", "waited " + ms(approval.waitMs)));
        if (request.reason) facts.appendChild(el("span", "reason", "reason: " + request.reason));
        if (request.cwd) facts.appendChild(el("span", "cwd", "in " + request.cwd));
        node.appendChild(facts);
        break;
      }
      case "agent_message":
        entryHead(node, "message", null, entry);
        node.appendChild(textBlock(null, item.text, "message"));
        break;
      case "reasoning": {
        entryHead(node, "reasoning", null, entry);
        var fold = el("details", "fold reasoning-text");
        fold.appendChild(el("summary", null, "reasoning summary"));
        fold.appendChild(el("pre", "text", item.text));
        node.appendChild(fold);
        break;
      }
      case "web_search":
        entryHead(node, "web search", item.query, entry);
        break;
      case "todo_list": {
        entryHead(node, "to-do list", null, entry);
        var list = el("ul", "todo");
        (item.items || []).forEach(function (t) {
          list.appendChild(el("li", t.completed ? "done" : "open", (t.completed ? "[x] " : "[ ] ") + t.text));
        });
        node.appendChild(list);
        break;
      }
      case "error":
        entryHead(node, "warning", null, entry);
        node.appendChild(el("p", "warning-text", item.message));
        break;
      case "stream_error":
        entryHead(node, "stream error", null, entry);
        node.appendChild(el("p", "error-text", entry.message));
        break;
      default:
        entryHead(node, String(entry.kind), null, entry);
        node.appendChild(textBlock(null, json(item), "json"));
    }
    return node;
  }

  function entryLabel(entry) {
    var item = entry.item || {};
    switch (entry.kind) {
      case "command_execution": return "$ " + (item.command || "");
      case "file_change": return "patch " + (item.changes || []).map(function (c) { return c.path; }).join(", ");
      case "tool_call": return "tool " + (item.tool || "");
      case "mcp_tool_call": return "mcp " + (item.server || "") + "/" + (item.tool || "");
      case "approval": return "approval " + ((entry.approval && entry.approval.request && entry.approval.request.kind) || "");
      case "agent_message": return "message";
      default: return String(entry.kind).replace(/_/g, " ");
    }
  }

  // ---- turns ----

  function turnTitle(turn) {
    return "Turn " + turn.index;
  }

  function fillTurn(article, turn) {
    article.dataset.status = safeClass(turn.status);
    var head = article.querySelector(".turn-head");
    head.replaceChildren();
    head.appendChild(el("h3", null, turnTitle(turn)));
    head.appendChild(badge(turn.status, "status-" + turn.status));
    if (typeof turn.durationMs === "number") head.appendChild(el("span", "duration", ms(turn.durationMs)));
    if (turn.usage) head.appendChild(el("span", "tokens", count(turn.usage.input_tokens) + " in / " + count(turn.usage.output_tokens) + " out tokens"));
    var prompt = article.querySelector(".prompt");
    prompt.replaceChildren();
    if (turn.prompt !== null && turn.prompt !== undefined) prompt.appendChild(textBlock("prompt", turn.prompt, "prompt-text"));
    var answer = article.querySelector(".answer");
    answer.replaceChildren();
    if (turn.answer !== null && turn.answer !== undefined) answer.appendChild(textBlock("answer", turn.answer, "answer-text"));
    var failure = article.querySelector(".turn-error");
    failure.replaceChildren();
    (turn.retries || []).forEach(function (r) {
      var p = el("p", "retry");
      p.appendChild(badge(r.error.code, "code"));
      p.appendChild(el("span", null, "attempt " + r.attempt + " of " + r.maxAttempts + " failed, retried after " + ms(r.delayMs) + ": " + r.error.message));
      failure.appendChild(p);
    });
    if (turn.error) {
      var p = el("p", "error");
      p.appendChild(badge(turn.error.code, "code"));
      p.appendChild(el("span", "message", turn.error.message));
      failure.appendChild(p);
    }
  }

  function turnElement(turn) {
    var article = el("article", "turn");
    article.dataset.turn = turn.ref;
    article.appendChild(el("header", "turn-head"));
    article.appendChild(el("div", "prompt"));
    article.appendChild(el("ol", "entries"));
    article.appendChild(el("div", "answer"));
    article.appendChild(el("div", "turn-error"));
    fillTurn(article, turn);
    return article;
  }

  // ---- tokens and waterfall ----

  function renderTokens() {
    var section = document.getElementById("tokens");
    if (!section || !current) return;
    section.replaceChildren(el("h2", null, "Tokens per turn"));
    var turns = Array.from(current.turns.values()).sort(function (a, b) { return a.index - b.index; });
    var max = 0;
    turns.forEach(function (t) { if (t.usage) max = Math.max(max, t.usage.input_tokens + t.usage.output_tokens); });
    if (max === 0) {
      section.appendChild(el("p", "none", info && info.kind === "stored"
        ? "codex does not store token usage with a thread: record events (recordEvents) to see it."
        : "No token usage recorded."));
      return;
    }
    var chart = el("div", "token-chart");
    turns.forEach(function (t) {
      var row = el("div", "token-row");
      row.dataset.turn = t.ref;
      row.appendChild(el("span", "label", turnTitle(t)));
      var bar = el("div", "bar");
      if (t.usage) {
        var u = t.usage;
        var parts = [["cached", u.cached_input_tokens], ["input", Math.max(0, u.input_tokens - u.cached_input_tokens)], ["output", Math.max(0, u.output_tokens - u.reasoning_output_tokens)], ["reasoning", u.reasoning_output_tokens]];
        parts.forEach(function (part) {
          if (part[1] <= 0) return;
          var seg = el("span", "seg " + part[0]);
          seg.style.width = (100 * part[1] / max) + "%";
          seg.title = part[0] + ": " + count(part[1]);
          bar.appendChild(seg);
        });
        row.appendChild(bar);
        row.appendChild(el("span", "numbers", count(u.input_tokens) + " in (" + count(u.cached_input_tokens) + " cached) / " + count(u.output_tokens) + " out (" + count(u.reasoning_output_tokens) + " reasoning)"));
      } else {
        row.appendChild(bar);
        row.appendChild(el("span", "numbers", "not recorded"));
      }
      chart.appendChild(row);
    });
    section.appendChild(chart);
    var legend = el("p", "legend");
    ["cached", "input", "output", "reasoning"].forEach(function (name) {
      var key = el("span", "key");
      key.appendChild(el("span", "swatch " + name));
      key.appendChild(document.createTextNode(name));
      legend.appendChild(key);
    });
    section.appendChild(legend);
  }

  function waterfallRow(entry) {
    var row = el("div", "wf-row kind-" + kindClass(entry.kind));
    row.dataset.ref = entry.ref;
    row.appendChild(el("span", "wf-label", entryLabel(entry)));
    var track = el("div", "wf-track");
    track.appendChild(el("span", "wf-bar"));
    row.appendChild(track);
    row.appendChild(el("span", "wf-time", ms(entry.durationMs)));
    return row;
  }

  /** Places every waterfall bar on the thread's time span. */
  function layoutWaterfall() {
    if (!current) return;
    var start = Infinity;
    var end = -Infinity;
    current.entries.forEach(function (rec) {
      var e = rec.entry;
      if (typeof e.startedAt === "number") { start = Math.min(start, e.startedAt); end = Math.max(end, e.startedAt); }
      if (typeof e.endedAt === "number") end = Math.max(end, e.endedAt);
    });
    current.turns.forEach(function (t) {
      if (typeof t.startedAt === "number") start = Math.min(start, t.startedAt);
      if (typeof t.endedAt === "number") end = Math.max(end, t.endedAt);
    });
    var span = Math.max(1, end - start);
    var timed = 0;
    current.entries.forEach(function (rec) {
      if (!rec.row) return;
      var e = rec.entry;
      var bar = rec.row.querySelector(".wf-bar");
      if (typeof e.startedAt !== "number" || !isFinite(start)) {
        rec.row.classList.add("untimed");
        return;
      }
      timed++;
      rec.row.classList.remove("untimed");
      var stop = typeof e.endedAt === "number" ? e.endedAt : end;
      bar.style.left = (100 * (e.startedAt - start) / span) + "%";
      bar.style.width = Math.max(0.3, 100 * (stop - e.startedAt) / span) + "%";
      bar.title = entryLabel(e) + " " + ms(stop - e.startedAt);
    });
    var note = document.getElementById("waterfall-note");
    if (note) note.textContent = timed === 0 ? "No item times recorded." : "Span: " + ms(end - start) + ", " + timed + " timed items.";
  }

  // ---- a thread ----

  function threadMeta(header) {
    var meta = el("p", "thread-meta");
    meta.appendChild(el("span", "thread-id", header.id));
    if (header.transport) meta.appendChild(badge(header.transport, "transport"));
    meta.appendChild(el("span", null, header.turnCount + " turn" + (header.turnCount === 1 ? "" : "s")));
    if (header.usage) meta.appendChild(el("span", "tokens", count(header.usage.input_tokens) + " in / " + count(header.usage.output_tokens) + " out tokens"));
    if (typeof header.startedAt === "number" && typeof header.updatedAt === "number") meta.appendChild(el("span", "duration", ms(header.updatedAt - header.startedAt)));
    return meta;
  }

  function renderHeader(header) {
    var top = document.getElementById("thread-top");
    if (!top) return;
    top.replaceChildren(el("h2", "thread-title", header.title || header.id), threadMeta(header));
  }

  function headerOf(thread) {
    var turns = thread.turns || [];
    return { id: thread.id, title: thread.title, transport: thread.transport, startedAt: thread.startedAt, updatedAt: thread.updatedAt, usage: thread.usage, turnCount: turns.length, status: turns.length ? turns[turns.length - 1].status : null, v: thread.v };
  }

  function addEntry(turnRef, entry, append) {
    var rec = current.entries.get(entry.ref);
    if (rec && rec.v >= entry.v) return;
    var node = renderEntry(entry, current.header.transport);
    if (rec) {
      // Keep open folds open.
      if (rec.el.querySelector("details[open]")) node.querySelectorAll("details").forEach(function (d) { d.open = true; });
      rec.el.replaceWith(node);
      var row = waterfallRow(entry);
      rec.row.replaceWith(row);
      rec.el = node; rec.row = row; rec.v = entry.v; rec.entry = entry;
      return;
    }
    var article = current.turnEls.get(turnRef);
    if (!article) return;
    article.querySelector(".entries").appendChild(node);
    var wfRow = waterfallRow(entry);
    append(wfRow);
    current.entries.set(entry.ref, { v: entry.v, el: node, entry: entry, row: wfRow });
  }

  function upsertTurn(turn) {
    var known = current.turns.get(turn.ref);
    if (known && known.v >= turn.v) return;
    current.turns.set(turn.ref, turn);
    var article = current.turnEls.get(turn.ref);
    if (article) {
      fillTurn(article, turn);
      return;
    }
    article = turnElement(turn);
    current.turnEls.set(turn.ref, article);
    document.getElementById("turns").appendChild(article);
  }

  function showEmpty(text) {
    main.replaceChildren(el("p", "empty", text));
    body.dataset.state = "ready";
  }

  function renderThread(thread) {
    var header = headerOf(thread);
    current = { id: thread.id, header: header, turns: new Map(), turnEls: new Map(), entries: new Map() };
    main.replaceChildren();
    main.appendChild(el("div", null)).id = "thread-top";
    renderHeader(header);
    var tokens = el("section", "tokens");
    tokens.id = "tokens";
    main.appendChild(tokens);
    var wf = el("section", "waterfall");
    wf.id = "waterfall";
    wf.appendChild(el("h2", null, "Waterfall"));
    var note = el("p", "note");
    note.id = "waterfall-note";
    wf.appendChild(note);
    var rows = el("div", "wf-rows");
    wf.appendChild(rows);
    main.appendChild(wf);
    var turnsBox = el("section", "turns");
    turnsBox.id = "turns";
    main.appendChild(turnsBox);
    var work = [];
    (thread.turns || []).forEach(function (turn) {
      var shown = Object.assign({}, turn);
      delete shown.entries;
      upsertTurn(shown);
      (turn.entries || []).forEach(function (entry) { work.push([turn.ref, entry]); });
    });
    renderTokens();
    var id = thread.id;
    var i = 0;
    function step() {
      if (!current || current.id !== id) return;
      var frag = document.createDocumentFragment();
      var stop = Math.min(work.length, i + CHUNK);
      for (; i < stop; i++) addEntry(work[i][0], work[i][1], function (row) { frag.appendChild(row); });
      rows.appendChild(frag);
      if (i < work.length) {
        setTimeout(step, 0);
        return;
      }
      layoutWaterfall();
      loading = false;
      applyUpdates(pending.splice(0));
      body.dataset.state = "ready";
    }
    step();
  }

  // ---- the thread list ----

  function renderNav() {
    var list = el("ul");
    var headers = Array.from(threadHeaders.values()).sort(function (a, b) { return (b.updatedAt || 0) - (a.updatedAt || 0); });
    headers.forEach(function (h) {
      var li = el("li", current && current.id === h.id ? "selected" : null);
      var a = el("a", "thread-link", h.title || h.id);
      a.href = "?" + new URLSearchParams({ token: token, thread: h.id }).toString();
      a.dataset.thread = h.id;
      a.addEventListener("click", function (event) {
        event.preventDefault();
        history.pushState(null, "", a.href);
        select(h.id);
      });
      li.appendChild(a);
      var meta = el("span", "meta", (h.turnCount ? h.turnCount + " turn" + (h.turnCount === 1 ? "" : "s") + " · " : "") + (h.status || ""));
      li.appendChild(meta);
      list.appendChild(li);
    });
    nav.replaceChildren(el("h2", null, "Threads"), list);
  }

  function select(id) {
    body.dataset.state = "loading";
    loading = true;
    pending = [];
    current = null;
    renderNav();
    fetch(api("api/thread", { id: id })).then(function (res) {
      if (!res.ok) throw new Error("the server answered " + res.status);
      return res.json();
    }).then(function (thread) {
      renderThread(thread);
      renderNav();
    }).catch(function (error) {
      loading = false;
      body.dataset.state = "error";
      main.replaceChildren(el("p", "error", "Could not load the thread: " + error.message));
    });
  }

  // ---- live updates ----

  function applyUpdates(updates) {
    var navChanged = false;
    var touched = false;
    updates.forEach(function (u) {
      if (u.type === "thread") {
        var known = threadHeaders.get(u.thread.id);
        if (!known || known.v <= u.thread.v) { threadHeaders.set(u.thread.id, u.thread); navChanged = true; }
        if (current && current.id === u.thread.id && current.header.v <= u.thread.v) { current.header = u.thread; renderHeader(u.thread); }
        return;
      }
      if (!current || u.threadId !== current.id) return;
      touched = true;
      if (u.type === "turn") upsertTurn(u.turn);
      else if (u.type === "entry") addEntry(u.turnRef, u.entry, function (row) { document.querySelector("#waterfall .wf-rows").appendChild(row); });
    });
    if (navChanged) renderNav();
    if (touched) {
      renderTokens();
      layoutWaterfall();
    }
  }

  function onUpdates(updates) {
    if (loading) {
      pending.push.apply(pending, updates);
      return;
    }
    applyUpdates(updates);
    if (!current) {
      var first = Array.from(threadHeaders.values())[0];
      if (first) select(first.id);
    }
    body.dataset.updates = String(Number(body.dataset.updates || "0") + 1);
  }

  function connect() {
    var status = document.getElementById("live");
    status.textContent = "connecting";
    status.dataset.live = "connecting";
    var source = new EventSource(api("api/events"));
    source.addEventListener("open", function () {
      status.textContent = "live";
      status.dataset.live = "connected";
    });
    source.addEventListener("error", function () {
      status.textContent = "reconnecting";
      status.dataset.live = "reconnecting";
    });
    source.addEventListener("update", function (event) {
      try {
        onUpdates(JSON.parse(event.data));
      } catch (error) {
        console.error(error);
      }
    });
  }

  // ---- start ----

  fetch(api("api/threads")).then(function (res) {
    if (!res.ok) throw new Error("the server answered " + res.status);
    return res.json();
  }).then(function (data) {
    info = data.source;
    document.getElementById("source").textContent = info.label;
    var notes = document.getElementById("notes");
    (info.notes || []).forEach(function (note) { notes.appendChild(el("li", null, note)); });
    data.threads.forEach(function (h) { threadHeaders.set(h.id, h); });
    if (info.live) connect();
    renderNav();
    var wanted = params.get("thread");
    var id = wanted && threadHeaders.has(wanted) ? wanted : data.threads.length ? data.threads[0].id : null;
    if (id) select(id);
    else showEmpty(info.live ? "No thread yet: this client's threads show here as soon as a turn starts." : "No threads in this source.");
  }).catch(function (error) {
    body.dataset.state = "error";
    main.replaceChildren(el("p", "error", "Could not load the threads: " + error.message));
  });
})();
`;
