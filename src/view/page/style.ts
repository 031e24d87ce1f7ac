/**
 * The viewer page's stylesheet, served inline as a static string. Entries off screen skip layout
 * and paint (`content-visibility`), which keeps a thread of thousands of items fast to scroll.
 */
export const PAGE_STYLE = String.raw`
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa; --add: #dafbe1; --del: #ffebe9; --hunk: #ddf4ff;
  --ok: #1a7f37; --fail: #cf222e; --warn: #9a6700; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header.top { display: flex; gap: 12px; align-items: baseline; padding: 8px 16px; border-bottom: 1px solid var(--line); background: var(--soft); }
header.top h1 { font-size: 16px; margin: 0; }
#source { color: var(--muted); overflow-wrap: anywhere; }
#live { margin-left: auto; font-size: 12px; color: var(--muted); }
#live[data-live="connected"] { color: var(--ok); }
#notes { margin: 0; padding: 4px 16px 4px 32px; color: var(--warn); font-size: 13px; }
#notes:empty { display: none; }
.layout { display: grid; grid-template-columns: 260px 1fr; min-height: calc(100vh - 42px); }
nav#threads { border-right: 1px solid var(--line); padding: 8px; overflow-y: auto; max-height: calc(100vh - 42px); position: sticky; top: 0; }
nav#threads h2 { font-size: 13px; text-transform: uppercase; color: var(--muted); margin: 4px; }
nav#threads ul { list-style: none; margin: 0; padding: 0; }
nav#threads li { padding: 6px; border-radius: 6px; }
nav#threads li.selected { background: var(--hunk); }
nav#threads a { color: var(--accent); text-decoration: none; display: block; overflow-wrap: anywhere; }
nav#threads .meta { font-size: 12px; color: var(--muted); }
main#thread { padding: 12px 20px 40px; min-width: 0; }
h2 { font-size: 15px; margin: 16px 0 8px; }
.thread-title { font-size: 18px; margin-top: 4px; overflow-wrap: anywhere; }
.thread-meta, .approval-facts { display: flex; flex-wrap: wrap; gap: 10px; color: var(--muted); margin: 4px 0; }
.thread-id { font-family: ui-monospace, monospace; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; border: 1px solid var(--line); background: var(--soft); }
.badge.ok, .badge.status-completed, .badge.decision-accept, .badge.decision-acceptForSession { color: var(--ok); border-color: var(--ok); }
.badge.fail, .badge.status-failed, .badge.decision-decline, .badge.decision-cancel, .badge.code, .badge.status-declined { color: var(--fail); border-color: var(--fail); }
.badge.status-running, .badge.status-in_progress, .badge.status-waiting { color: var(--accent); border-color: var(--accent); }
.badge.status-interrupted, .badge.status-unfinished { color: var(--warn); border-color: var(--warn); }
.badge.change-add { color: var(--ok); } .badge.change-delete { color: var(--fail); }
pre { margin: 0; padding: 8px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere;
  font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; max-height: 480px; overflow-y: auto; }
.block { margin: 6px 0; } .block-label { font-size: 12px; color: var(--muted); }
details.fold > summary { cursor: pointer; color: var(--accent); font-size: 12px; margin: 4px 0; }
.turn { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; margin: 12px 0; }
.turn[data-status="failed"] { border-color: var(--fail); }
.turn-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.turn-head h3 { margin: 0; font-size: 15px; }
.duration, .tokens, .wf-time { color: var(--muted); font-size: 12px; }
.prompt-text pre { background: var(--hunk); } .answer-text pre { background: #fff8c5; }
ol.entries { list-style: none; margin: 8px 0; padding: 0; }
li.entry { border-left: 3px solid var(--line); padding: 4px 10px; margin: 6px 0; content-visibility: auto; contain-intrinsic-size: auto 60px; }
li.kind-command_execution { border-left-color: #8250df; } li.kind-file_change { border-left-color: var(--ok); }
li.kind-tool_call, li.kind-mcp_tool_call { border-left-color: var(--accent); } li.kind-approval { border-left-color: var(--warn); }
li.kind-error, li.kind-stream_error { border-left-color: var(--fail); }
.entry-head { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.entry-head .kind { font-size: 12px; text-transform: uppercase; color: var(--muted); min-width: 70px; }
.entry-head .title, .path { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
code.cmd { font: 13px ui-monospace, monospace; overflow-wrap: anywhere; }
.change { margin: 6px 0; } .change-head { display: flex; gap: 8px; margin-bottom: 4px; }
pre.diff { padding: 0; } pre.diff .line { display: block; padding: 0 8px; }
pre.diff .add { background: var(--add); } pre.diff .del { background: var(--del); } pre.diff .hunk { background: var(--hunk); color: var(--muted); } pre.diff .file { color: var(--muted); }
.no-diff, .none, .note, .empty { color: var(--muted); font-style: italic; }
.error-text, .turn-error .message, p.error { color: var(--fail); }
.warning-text { color: var(--warn); }
.turn-error p { display: flex; gap: 8px; align-items: baseline; margin: 6px 0; }
ul.todo { margin: 4px 0; padding-left: 18px; } ul.todo .done { color: var(--muted); }
.token-row { display: grid; grid-template-columns: 70px minmax(120px, 1fr) auto; gap: 10px; align-items: center; margin: 3px 0; }
.token-row .label { font-size: 12px; } .token-row .numbers { font-size: 12px; color: var(--muted); }
.bar { display: flex; height: 12px; background: var(--soft); border-radius: 3px; overflow: hidden; }
.seg, .swatch { display: inline-block; height: 12px; } .swatch { width: 12px; margin-right: 4px; vertical-align: middle; }
.seg.cached, .swatch.cached { background: #9ec5fe; } .seg.input, .swatch.input { background: #0969da; }
.seg.output, .swatch.output { background: #1a7f37; } .seg.reasoning, .swatch.reasoning { background: #bf8700; }
.legend { display: flex; gap: 14px; font-size: 12px; color: var(--muted); }
.wf-rows { max-height: 360px; overflow-y: auto; border: 1px solid var(--line); border-radius: 6px; padding: 4px; }
.wf-row { display: grid; grid-template-columns: minmax(120px, 28%) 1fr 70px; gap: 8px; align-items: center; height: 18px; font-size: 12px;
  content-visibility: auto; contain-intrinsic-size: auto 18px; }
.wf-label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-family: ui-monospace, monospace; }
.wf-track { position: relative; height: 10px; background: var(--soft); }
.wf-bar { position: absolute; top: 0; height: 10px; background: var(--muted); border-radius: 2px; }
.wf-row.untimed .wf-bar { display: none; }
.wf-row.kind-command_execution .wf-bar { background: #8250df; } .wf-row.kind-file_change .wf-bar { background: var(--ok); }
.wf-row.kind-tool_call .wf-bar, .wf-row.kind-mcp_tool_call .wf-bar { background: var(--accent); } .wf-row.kind-approval .wf-bar { background: var(--warn); }
.wf-row.kind-agent_message .wf-bar, .wf-row.kind-reasoning .wf-bar { background: #9ec5fe; }
`;
