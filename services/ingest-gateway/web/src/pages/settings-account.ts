// <sauda-callbacks>, <sauda-whatsapp>, <sauda-usage>: the store's cancel callback, the WhatsApp number, the plan.
import { html, nothing } from "lit";
import { customElement, state } from "lit/decorators.js";
import { ApiError, del, get, patch, put } from "../api.js";
import { errorBox, Listing } from "../base.js";
import { t, when } from "../i18n.js";

interface Callbacks { id: string; cancel_url: string; active: boolean; created_at: string; secret?: string | null }
interface WhatsApp { whatsapp_phone_number_id: string; waba_id: string; display_phone_number: string | null; admin_phone: string | null; language: string; sandbox: boolean }
interface Usage { plan: string; apis?: string[]; per_hour: number; used_this_hour: number; resets_at: string }

@customElement("sauda-callbacks")
export class StoreCallbacks extends Listing {
  @state() accessor current: Callbacks | null = null;
  @state() accessor secret = "";

  protected async load(): Promise<void> {
    try {
      this.current = await get<Callbacks>("/api/v1/store-callbacks");
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      this.current = null;
    }
  }

  private save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const url = String(new FormData(event.target as HTMLFormElement).get("cancel_url")).trim();
    return this.act(async () => {
      const saved = await put<Callbacks>("/api/v1/store-callbacks", { cancel_url: url });
      this.secret = saved.secret ?? "";
    });
  }

  render() {
    return html`${errorBox(this.error)}
      <form class="card row" @submit=${this.save}>
        <label>${t("cancelUrl")}<input name="cancel_url" type="url" required .value=${this.current?.cancel_url ?? ""} data-testid="callback-url"></label>
        <button class="primary" type="submit" data-testid="callback-save">${t("save")}</button>
        ${this.current ? html`<button type="button" class="danger" @click=${() => this.act(() => del("/api/v1/store-callbacks"))}>${t("remove")}</button>` : nothing}
      </form>
      ${this.secret ? html`<div class="card" role="status"><p>${t("secret")}: ${t("shownOnce")}</p><p class="secret">${this.secret}</p></div>` : nothing}`;
  }
}

@customElement("sauda-whatsapp")
export class WhatsAppSettings extends Listing {
  @state() accessor account: WhatsApp | null = null;
  @state() accessor saved = false;

  protected async load(): Promise<void> {
    this.account = await get<WhatsApp>("/api/v1/whatsapp");
  }

  private save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    return this.act(async () => {
      await patch("/api/v1/whatsapp", { admin_phone: String(data.get("admin_phone")).trim() || null, language: String(data.get("language")) });
      this.saved = true;
    });
  }

  render() {
    const a = this.account;
    if (!a) return errorBox(this.error);
    return html`${errorBox(this.error)}
      <div class="card" data-testid="whatsapp"><dl>
        <dt>${t("connected")}</dt><dd data-testid="whatsapp-number">${a.display_phone_number ?? a.whatsapp_phone_number_id} ${a.sandbox ? html`<span class="badge">${t("sandbox")}</span>` : nothing}</dd>
        <dt>WABA</dt><dd>${a.waba_id}</dd></dl></div>
      <form class="card row" @submit=${this.save}>
        <label>${t("adminPhone")}<input name="admin_phone" type="tel" .value=${a.admin_phone ?? ""}></label>
        <label>${t("templateLanguage")}<select name="language">${["en", "ur", "hi"].map((l) => html`<option value=${l} ?selected=${a.language === l}>${l}</option>`)}</select></label>
        <button class="primary" type="submit">${t("save")}</button>
        ${this.saved ? html`<span class="ok" role="status">${t("saved")}</span>` : nothing}
      </form>`;
  }
}

@customElement("sauda-usage")
export class UsagePanel extends Listing {
  @state() accessor usage: Usage | null = null;

  protected async load(): Promise<void> {
    this.usage = await get<Usage>("/api/v1/usage");
  }

  render() {
    const u = this.usage;
    if (!u) return errorBox(this.error);
    return html`<div class="card" data-testid="usage"><h2>${u.plan}</h2>
      <label>${t("usedThisHour", { used: u.used_this_hour, limit: u.per_hour })}
        <progress max=${u.per_hour} .value=${u.used_this_hour} data-testid="usage-bar"></progress></label>
      <p class="muted">${t("resets", { at: when(u.resets_at) })}</p>
      ${u.apis?.length ? html`<p class="muted">${u.apis.join(", ")}</p>` : nothing}</div>`;
  }
}
