// <sauda-profile>: who is signed in, and a password change (which signs every other device out).
import { html, css } from "lit";
import { customElement, state } from "lit/decorators.js";
import { ApiError, get, post, session, setSession, type Session } from "../api.js";
import { Base, errorBox } from "../base.js";
import { t, when, word } from "../i18n.js";

/** The form's own refusal before anything is sent: the two new passwords differ. */
function mismatch(): ApiError {
  return new ApiError(400, "passwords_differ", t("passwordsDiffer"), "repeat_password");
}

@customElement("sauda-profile")
export class ProfilePage extends Base {
  static styles = [Base.styles, css`
    .grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); align-items: start; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1rem; margin: 0; }
    dt { color: var(--muted, #5b6475); }
    dd { margin: 0; overflow-wrap: anywhere; }
    form { display: flex; flex-direction: column; gap: 0.8rem; }
  `];

  @state() accessor error: unknown = null;
  @state() accessor changed = false;
  @state() accessor busy = false;

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? "");
    this.error = null;
    this.changed = false;
    if (value("new_password") !== value("repeat_password")) {
      this.error = mismatch();
      return;
    }
    this.busy = true;
    try {
      await post("/api/v1/auth/password", { current_password: value("current_password"), new_password: value("new_password") });
      // The change ended every session and gave this one a fresh cookie: read its new CSRF token.
      setSession(await get<Session>("/api/v1/auth/session"));
      form.reset();
      this.changed = true;
    } catch (error) {
      this.error = error;
    } finally {
      this.busy = false;
    }
  }

  render() {
    const me = session();
    if (!me) return html``;
    return html`
      <h1>${t("profile")}</h1>
      <div class="grid">
        <section class="card" aria-labelledby="me">
          <h2 id="me">${t("yourAccount")}</h2>
          <dl data-testid="profile">
            <dt>${t("email")}</dt><dd data-testid="profile-email">${me.email}</dd>
            <dt>${t("role")}</dt><dd data-testid="profile-role">${word(me.role)}</dd>
            <dt>${t("signedInUntil")}</dt><dd>${when(me.expires_at)}</dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="pw">
          <h2 id="pw">${t("changePassword")}</h2>
          <p class="muted">${t("changePasswordLead")}</p>
          <form @submit=${this.submit} data-testid="password-form">
            <label>${t("currentPassword")}<input name="current_password" type="password" autocomplete="current-password" required data-testid="current-password"></label>
            <label>${t("newPassword")}<input name="new_password" type="password" autocomplete="new-password" required minlength="10" maxlength="128" data-testid="new-password"></label>
            <label>${t("repeatPassword")}<input name="repeat_password" type="password" autocomplete="new-password" required minlength="10" maxlength="128" data-testid="repeat-password"></label>
            ${errorBox(this.error)}
            ${this.changed ? html`<p class="ok" role="status" data-testid="password-changed">${t("passwordChanged")}</p>` : ""}
            <button class="primary" type="submit" ?disabled=${this.busy} data-testid="password-save">${t("changePassword")}</button>
          </form>
        </section>
      </div>
    `;
  }
}
