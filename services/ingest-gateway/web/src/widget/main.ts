// widget.js: `<script src="https://<sauda>/widget.js" data-session="wgt_…">` (or data-key="pk_…")
// puts the orders panel right after its own tag, or into data-target; data-lang="ur" for Urdu.
import { fixLang } from "../i18n.js";
import "./element.js";

function mount(script: HTMLScriptElement): void {
  const { session = "", key = "", target, lang } = script.dataset;
  fixLang(lang === "ur" ? "ur" : "en");
  const panel = document.createElement("sauda-orders-widget");
  // Sauda's API is wherever this script came from.
  panel.base = new URL(script.src).origin;
  panel.session = session;
  panel.publishableKey = key;
  const place = () => {
    const into = target ? document.querySelector(target) : null;
    if (into) into.append(panel);
    else script.after(panel);
  };
  if (target && !document.querySelector(target) && document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", place, { once: true });
  } else {
    place();
  }
}

const script = document.currentScript;
if (script instanceof HTMLScriptElement && script.src) mount(script);
