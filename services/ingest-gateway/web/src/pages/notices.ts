// <sauda-notices>: new-order and problem notices, live; "mark all read" clears the nav's badge.
import { html, css, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { get, post } from "../api.js";
import { Base, errorBox } from "../base.js";
import { money, t, when, word } from "../i18n.js";
import { href } from "../router.js";
import type { Notice, NoticePage } from "../types.js";

@customElement("sauda-notices")
export class NoticesPage extends Base {
  static styles = [Base.styles, css`
    li.unread { border-inline-start: 4px solid var(--brand, #0b6e4f); padding-inline-start: 0.6rem; }
    .kind { font-weight: 600; }
  `];

  @state() accessor notices: Notice[] = [];
  @state() accessor unread = 0;
  @state() accessor error: unknown = null;

  constructor() {
    super();
    this.listen("sauda-notice", (event) => {
      this.notices = [(event as CustomEvent<Notice>).detail, ...this.notices];
      this.unread += 1;
    });
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const page = await get<NoticePage>("/api/v1/notices?limit=100");
      this.notices = page.notices;
      this.unread = page.unread ?? 0;
    } catch (error) {
      this.error = error;
    }
  }

  private async markRead(): Promise<void> {
    try {
      await post("/api/v1/notices/read", {});
      this.unread = 0;
      window.dispatchEvent(new CustomEvent("sauda-unread", { detail: 0 }));
    } catch (error) {
      this.error = error;
    }
  }

  render() {
    return html`
      <div class="row"><h1>${t("notifications")}</h1>
        ${this.unread ? html`<span class="badge" data-testid="notices-unread">${t("unread", { n: this.unread })}</span>` : nothing}
        <button data-testid="mark-all-read" @click=${this.markRead} ?disabled=${this.unread === 0}>${t("markAllRead")}</button></div>
      ${errorBox(this.error)}
      ${this.notices.length === 0 ? html`<p class="card muted">${t("noNotices")}</p>` : html`
        <ul class="plain card" data-testid="notice-list">
          ${this.notices.map((n, i) => html`<li class=${i < this.unread ? "unread" : ""} data-testid="notice" data-kind=${n.kind}>
            <span class="kind">${n.kind === "new_order" ? t("newOrderLive", { number: n.order_number ?? "" }) : word(n.kind)}</span>
            ${n.details?.customer_name ? html` · ${n.details.customer_name}` : nothing}
            ${n.details?.total && n.details?.currency ? html` · ${money(n.details.total, n.details.currency)}` : nothing}
            <div>${n.message}</div>
            <div class="muted">${when(n.created_at)}
              ${n.order_id ? html` · <a href=${href(`/orders/${n.order_id}`)}>${n.order_number ?? t("order")}</a>` : nothing}</div>
          </li>`)}
        </ul>`}
    `;
  }
}
