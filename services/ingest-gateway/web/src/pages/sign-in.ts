// <sauda-sign-in>: email and password; the wrong-password and throttle refusals said plainly.
import { html, css } from "lit";
import { customElement, state } from "lit/decorators.js";
import { ApiError, post, setSession, type Session } from "../api.js";
import { Base, errorText } from "../base.js";
import { lang, setLang, t, waitText } from "../i18n.js";

@customElement("sauda-sign-in")
export class SignIn extends Base {
  static styles = [Base.styles, css`
    form { max-width: 24rem; margin: 8vh auto 0; display: flex; flex-direction: column; gap: 0.9rem; }
    .brand { color: var(--brand, #0b6e4f); font-weight: 700; font-size: 1.6rem; }
  `];

  @state() accessor error = "";
  @state() accessor busy = false;

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.error = "";
    try {
      const opened = await post<Session>("/api/v1/auth/login", {
        email: String(form.get("email") ?? "").trim(),
        password: String(form.get("password") ?? ""),
      });
      setSession(opened);
    } catch (error) {
      this.error = this.explain(error);
    } finally {
      this.busy = false;
    }
  }

  private explain(error: unknown): string {
    if (error instanceof ApiError && error.code === "invalid_credentials") return t("wrongPassword");
    if (error instanceof ApiError && error.status === 429) return t("throttled", { wait: waitText(error.retryAfter ?? 60) });
    return errorText(error);
  }

  render() {
    return html`
      <form class="card" @submit=${this.submit} data-testid="sign-in-form" novalidate>
        <span class="brand">${t("app")}</span>
        <h1>${t("signIn")}</h1>
        <label>${t("email")}<input name="email" type="email" autocomplete="username" required data-testid="email"></label>
        <label>${t("password")}<input name="password" type="password" autocomplete="current-password" required data-testid="password"></label>
        ${this.error ? html`<p class="error" role="alert" data-testid="sign-in-error">${this.error}</p>` : ""}
        <button class="primary" type="submit" ?disabled=${this.busy} data-testid="sign-in">${t("signIn")}</button>
        <label>${t("language")}
          <select data-testid="lang" @change=${(e: Event) => setLang((e.target as HTMLSelectElement).value as "en" | "ur")}>
            <option value="en" ?selected=${lang() === "en"}>English</option>
            <option value="ur" ?selected=${lang() === "ur"}>اردو</option>
          </select>
        </label>
      </form>
    `;
  }
}
