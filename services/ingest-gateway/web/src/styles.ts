// The styles every component adopts: cards, buttons, forms, badges and the visible focus ring.
import { css } from "lit";

export const shared = css`
  :host { display: block; color: var(--ink, #1d2330); }
  * { box-sizing: border-box; }
  h1 { font-size: 1.35rem; margin: 0 0 0.75rem; }
  h2 { font-size: 1.1rem; margin: 1rem 0 0.5rem; }
  a { color: var(--brand, #0b6e4f); }
  .card { background: var(--card, #fff); border: 1px solid var(--line, #dde1e8); border-radius: 10px; padding: 1rem; margin-bottom: 1rem; }
  .row { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: end; }
  .muted { color: var(--muted, #5b6475); font-size: 0.9rem; }
  button, .button {
    font: inherit; border: 1px solid var(--line, #dde1e8); background: #fff; color: var(--ink, #1d2330);
    border-radius: 8px; padding: 0.5rem 0.9rem; min-height: 44px; cursor: pointer; text-decoration: none;
    display: inline-flex; align-items: center; gap: 0.35rem;
  }
  button.primary { background: var(--brand, #0b6e4f); color: #fff; border-color: var(--brand, #0b6e4f); }
  button.danger { color: var(--danger, #b42318); border-color: var(--danger, #b42318); }
  button:disabled { opacity: 0.55; cursor: default; }
  :focus-visible { outline: 3px solid var(--focus, #2563eb); outline-offset: 2px; }
  label { display: flex; flex-direction: column; gap: 0.25rem; font-size: 0.9rem; color: var(--muted, #5b6475); }
  label.inline { flex-direction: row; align-items: center; gap: 0.4rem; color: var(--ink, #1d2330); }
  input, select, textarea {
    font: inherit; color: var(--ink, #1d2330); padding: 0.5rem 0.6rem; min-height: 44px;
    border: 1px solid #9aa3b2; border-radius: 8px; background: #fff; max-width: 100%;
  }
  input[type="checkbox"] { min-height: auto; width: 1.2rem; height: 1.2rem; }
  .error { color: var(--danger, #b42318); background: #fdecea; border-radius: 8px; padding: 0.6rem 0.8rem; margin: 0.5rem 0; }
  .ok { color: #05603a; background: #e7f6ee; border-radius: 8px; padding: 0.6rem 0.8rem; margin: 0.5rem 0; }
  .secret { font-family: ui-monospace, monospace; word-break: break-all; background: #fff8e1; padding: 0.6rem; border-radius: 8px; border: 1px dashed var(--warn, #9a6700); }
  .badge { display: inline-block; font-size: 0.78rem; border-radius: 999px; padding: 0.1rem 0.55rem; background: #eef1f5; color: var(--ink, #1d2330); white-space: nowrap; }
  .badge.whatsapp { background: #dcf8c6; color: #075e54; }
  .badge.website, .badge.ingest, .badge.store { background: #e0ecff; color: #1d4ed8; }
  .badge.pending { background: #fff4d6; color: #7a4d00; }
  .badge.review { background: #ffe4e0; color: #9f1d1d; }
  .badge.confirmed { background: #e0ecff; color: #1d4ed8; }
  .badge.shipped { background: #ede7ff; color: #5b21b6; }
  .badge.delivered { background: #e7f6ee; color: #05603a; }
  .badge.cancelled, .badge.returned { background: #fdecea; color: #b42318; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: start; padding: 0.5rem; border-bottom: 1px solid var(--line, #dde1e8); vertical-align: top; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  dialog { border: 1px solid var(--line, #dde1e8); border-radius: 12px; padding: 1.25rem; max-width: min(92vw, 28rem); width: 100%; }
  dialog::backdrop { background: rgba(0, 0, 0, 0.4); }
  .card { overflow-x: auto; }
  @media (max-width: 720px) {
    table.stack thead { display: none; }
    table.stack tr { display: block; padding: 0.5rem 0; border-bottom: 1px solid var(--line, #dde1e8); }
    table.stack td { display: block; border: none; padding: 0.15rem 0; }
  }
  ul.plain { list-style: none; padding: 0; margin: 0; }
  ul.plain > li { padding: 0.5rem 0; border-bottom: 1px solid var(--line, #dde1e8); }
  .gap-top { margin-top: 0.75rem; }
`;
