// The dashboard's entry point: the language, link interception and the app element.
import { applyLang } from "./i18n.js";
import { interceptLinks } from "./router.js";
import "./shell.js";

applyLang();
interceptLinks();
