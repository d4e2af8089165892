// <sauda-settings>: the tabs (owner-only ones hidden from staff, refused with a message if opened;
// staff see the WhatsApp tab's templates, not the connection).
import { html, css } from "lit";
import { customElement, property } from "lit/decorators.js";
import { Base } from "../base.js";
import { t } from "../i18n.js";
import { href } from "../router.js";
import "./settings-keys.js";
import "./settings-webhooks.js";
import "./settings-account.js";
import "./settings-templates.js";

const TABS = [
  { id: "keys", key: "apiKeys", owner: true },
  { id: "webhooks", key: "webhooks", owner: true },
  { id: "callbacks", key: "callbacks", owner: true },
  { id: "whatsapp", key: "whatsappTab", owner: false },
  { id: "plan", key: "plan", owner: false },
  { id: "users", key: "users", owner: true },
] as const;

@customElement("sauda-settings")
export class SettingsPage extends Base {
  static styles = [Base.styles, css`
    nav ul { display: flex; gap: 0.25rem; list-style: none; padding: 0; margin: 0 0 1rem; overflow-x: auto; border-bottom: 1px solid var(--line, #dde1e8); }
    nav a { display: inline-block; padding: 0.6rem 0.8rem; text-decoration: none; color: var(--ink, #1d2330); border-bottom: 3px solid transparent; white-space: nowrap; min-height: 44px; }
    nav a[aria-current="page"] { border-bottom-color: var(--brand, #0b6e4f); color: var(--brand, #0b6e4f); font-weight: 600; }
  `];

  @property() accessor tab = "";
  @property() accessor role: "owner" | "staff" = "staff";

  render() {
    const owner = this.role === "owner";
    const tabs = TABS.filter((tab) => owner || !tab.owner);
    const current = TABS.find((tab) => tab.id === this.tab) ?? tabs[0];
    return html`
      <h1>${t("settings")}</h1>
      <nav aria-label=${t("settings")}><ul>
        ${tabs.map((tab) => html`<li><a href=${href(`/settings/${tab.id}`)} data-testid="settings-tab-${tab.id}"
          aria-current=${tab.id === current.id ? "page" : "false"}>${t(tab.key)}</a></li>`)}
      </ul></nav>
      ${current.owner && !owner ? html`<p class="error" role="alert" data-testid="owner-only">${t("ownerOnly")}</p>` : this.body(current.id, owner)}
    `;
  }

  private body(id: (typeof TABS)[number]["id"], owner: boolean) {
    switch (id) {
      case "keys": return html`<sauda-api-keys></sauda-api-keys>`;
      case "webhooks": return html`<sauda-webhooks></sauda-webhooks>`;
      case "callbacks": return html`<sauda-callbacks></sauda-callbacks>`;
      // The connection is the owner's to see and change; its templates are everyone's to read.
      case "whatsapp": return html`${owner ? html`<sauda-whatsapp></sauda-whatsapp>` : ""}<sauda-templates></sauda-templates>`;
      case "users": return html`<sauda-users></sauda-users>`;
      default: return html`<sauda-usage></sauda-usage>`;
    }
  }
}
