// <sauda-templates>: the connected number's WhatsApp message templates and Meta's review state (a
// table; cards at phone width), kept live by the stream's `template` events. Owners and staff alike.
import { html, css, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { get } from "../api.js";
import { Base, errorBox } from "../base.js";
import { t, when } from "../i18n.js";
import type { Template, TemplateList } from "../types.js";

const TEMPLATES = "/api/v1/whatsapp/templates";
const PAGE = 100;
// Meta's states the badge names; any other shows Meta's own word.
const STATUS_KEY = {
  APPROVED: "tplApproved", PENDING: "tplPending", REJECTED: "tplRejected", PAUSED: "tplPaused",
  DISABLED: "tplDisabled", IN_APPEAL: "tplInAppeal",
} as const;
const TONE: Record<string, string> = {
  APPROVED: "ok", PENDING: "wait", IN_APPEAL: "wait", REJECTED: "bad", PAUSED: "bad", DISABLED: "bad",
};

const keyOf = (tpl: Template) => `${tpl.waba_id}\n${tpl.name}\n${tpl.language}`;
const same = (a: Template, b: Template) => keyOf(a) === keyOf(b);
const order = (a: Template, b: Template) => (a.name === b.name ? (a.language < b.language ? -1 : 1) : a.name < b.name ? -1 : 1);

export function statusText(status: string): string {
  return status in STATUS_KEY ? t(STATUS_KEY[status as keyof typeof STATUS_KEY]) : status;
}

@customElement("sauda-templates")
export class TemplatesPanel extends Base {
  static styles = [Base.styles, css`
    .badge { font-weight: 600; }
    .badge.ok { background: #e7f6ee; color: #05603a; }
    .badge.wait { background: #fff4d6; color: #7a4d00; }
    .badge.bad { background: #fdecea; color: #b42318; }
    .reason, .name code { overflow-wrap: anywhere; }
    .label { display: none; }
    @media (max-width: 720px) {
      table.stack tr { padding: 0.75rem 0; }
      .label { display: inline; color: var(--muted, #5b6475); font-size: 0.85rem; }
      .label::after { content: ": "; }
      td.name { font-size: 1.02rem; }
      td.empty { display: none; }
    }
  `];

  @state() accessor templates: Template[] = [];
  @state() accessor loaded = false;
  @state() accessor error: unknown = null;
  @state() accessor announcement = "";
  private removed: Template[] = []; // told removed by the stream: a list read before says otherwise

  constructor() {
    super();
    this.listen("sauda-template", (event) => this.apply((event as CustomEvent<Template>).detail));
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const found: Template[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await get<TemplateList>(`${TEMPLATES}?limit=${PAGE}&offset=${offset}`);
        found.push(...page.templates);
        if (offset + PAGE >= page.total || page.templates.length === 0) break;
      }
      // What the stream brought while the list loaded may be newer than what the list says.
      const newest = new Map<string, Template>();
      for (const tpl of [...found, ...this.templates, ...this.removed]) {
        const had = newest.get(keyOf(tpl));
        if (!had || tpl.revision > had.revision) newest.set(keyOf(tpl), tpl);
      }
      this.templates = [...newest.values()].filter((tpl) => !tpl.removed).sort(order);
      this.loaded = true;
    } catch (error) {
      this.error = error;
    }
  }

  /** One template's new state from the stream: an older revision than shown is stale. */
  private apply(next: Template): void {
    const shown = this.templates.find((tpl) => same(tpl, next)) ?? this.removed.find((tpl) => same(tpl, next));
    if (shown && shown.revision >= next.revision) return;
    this.removed = this.removed.filter((tpl) => !same(tpl, next)).concat(next.removed ? [next] : []);
    const others = this.templates.filter((tpl) => !same(tpl, next));
    this.templates = next.removed ? others : [...others, next].sort(order);
    if (!next.removed && (shown?.removed || shown?.status !== next.status)) {
      this.announcement = t("tplChanged", { name: next.name, language: next.language, status: statusText(next.status) });
    }
  }

  private counts(): string {
    const by = new Map<string, number>();
    for (const tpl of this.templates) by.set(tpl.status, (by.get(tpl.status) ?? 0) + 1);
    return [...by].map(([status, n]) => `${n} ${statusText(status).toLowerCase()}`).join(" · ");
  }

  render() {
    const list = this.templates;
    return html`<section class="card" aria-labelledby="templates-h" data-testid="templates">
      <h2 id="templates-h">${t("tplTitle")}</h2>
      <p class="muted">${t("tplLead")}</p>
      ${errorBox(this.error, "templates-error")}
      <p class="sr-only" role="status" data-testid="templates-announcement">${this.announcement}</p>
      ${!this.loaded && !this.error ? html`<p class="muted">${t("loading")}</p>` : nothing}
      ${this.loaded && list.length === 0 ? html`<p class="muted" data-testid="no-templates">${t("tplNone")}</p>` : nothing}
      ${list.length ? html`<p data-testid="templates-summary">${this.counts()}</p>
        <table class="stack" data-testid="template-list">
          <caption class="sr-only">${t("tplTitle")}</caption>
          <thead><tr><th scope="col">${t("name")}</th><th scope="col">${t("language")}</th><th scope="col">${t("tplCategory")}</th>
            <th scope="col">${t("tplStatus")}</th><th scope="col">${t("reason")}</th></tr></thead>
          <tbody>${list.map((tpl) => html`<tr data-testid="template-row" data-name=${tpl.name} data-language=${tpl.language} data-status=${tpl.status}>
            <td class="name"><code>${tpl.name}</code></td>
            <td><span class="label">${t("language")}</span><span data-testid="template-language">${tpl.language}</span></td>
            <td><span class="label">${t("tplCategory")}</span>${tpl.category ?? "—"}</td>
            <td><span class="label">${t("tplStatus")}</span><span class="badge ${TONE[tpl.status] ?? ""}" data-testid="template-status">${statusText(tpl.status)}</span>
              <span class="muted">${when(tpl.updated_at)}</span></td>
            <td class="reason ${tpl.rejected_reason ? "" : "empty"}"><span class="label">${t("reason")}</span><span data-testid="template-reason">${tpl.rejected_reason ?? "—"}</span></td>
          </tr>`)}</tbody>
        </table>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    "sauda-templates": TemplatesPanel;
  }
}
