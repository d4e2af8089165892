// English and Urdu (right-to-left): the merchant's choice, kept in localStorage; money and dates by Intl.

export type Lang = "en" | "ur";

// Every string in both languages side by side: [English, Urdu].
const STRINGS = {
  app: ["Sauda", "سودا"],
  orders: ["Orders", "آرڈرز"],
  notifications: ["Notifications", "اطلاعات"],
  products: ["Products", "مصنوعات"],
  settings: ["Settings", "ترتیبات"],
  signIn: ["Sign in", "سائن اِن"],
  signOut: ["Sign out", "سائن آؤٹ"],
  email: ["Email", "ای میل"],
  password: ["Password", "پاس ورڈ"],
  language: ["Language", "زبان"],
  wrongPassword: ["That email and password do not match. Check them and try again.", "ای میل اور پاس ورڈ میل نہیں کھاتے۔ دوبارہ دیکھ کر کوشش کریں۔"],
  throttled: ["Too many sign-in attempts. Wait {wait} and try again.", "بہت زیادہ کوششیں۔ {wait} انتظار کریں اور پھر کوشش کریں۔"],
  seconds: ["{n} seconds", "{n} سیکنڈ"],
  minutes: ["{n} minutes", "{n} منٹ"],
  signedOut: ["You are signed out.", "آپ سائن آؤٹ ہو گئے۔"],
  menu: ["Menu", "مینو"],
  inviteTitle: ["Join {business}", "{business} میں شامل ہوں"],
  inviteLead: ["You are invited as {role} with {email}. Choose a password.", "آپ کو {email} کے ساتھ {role} کے طور پر بلایا گیا ہے۔ پاس ورڈ چنیں۔"],
  inviteMissing: ["This invite link is not valid any more. Ask the owner for a new one.", "یہ دعوت نامہ اب کارآمد نہیں۔ مالک سے نیا لنک مانگیں۔"],
  newPassword: ["New password", "نیا پاس ورڈ"],
  profile: ["Profile", "پروفائل"],
  yourAccount: ["Your account", "آپ کا اکاؤنٹ"],
  signedInUntil: ["Signed in until", "سائن ان کب تک"],
  changePassword: ["Change password", "پاس ورڈ بدلیں"],
  changePasswordLead: ["Changing it signs you out on every other device.", "پاس ورڈ بدلنے سے آپ باقی ہر ڈیوائس سے سائن آؤٹ ہو جائیں گے۔"],
  currentPassword: ["Current password", "موجودہ پاس ورڈ"],
  repeatPassword: ["Repeat the new password", "نیا پاس ورڈ دوبارہ لکھیں"],
  passwordsDiffer: ["The two new passwords differ. Type the same one twice.", "دونوں نئے پاس ورڈ مختلف ہیں۔ ایک ہی پاس ورڈ دو بار لکھیں۔"],
  passwordChanged: ["Password changed. Every other device is signed out.", "پاس ورڈ بدل گیا۔ باقی تمام ڈیوائسز سے سائن آؤٹ ہو گیا۔"],
  profileOf: ["Profile: {email}", "پروفائل: {email}"],
  accept: ["Accept and sign in", "قبول کریں اور سائن اِن کریں"],
  search: ["Search", "تلاش"],
  searchHint: ["Order number, phone or name", "آرڈر نمبر، فون یا نام"],
  from: ["From", "سے"],
  to: ["To", "تک"],
  all: ["All", "سب"],
  loadMore: ["Load more", "مزید دکھائیں"],
  noOrders: ["No orders match.", "کوئی آرڈر نہیں ملا۔"],
  newOrderLive: ["New order {number}", "نیا آرڈر {number}"],
  pending: ["Pending", "زیرِ التوا"],
  confirmed: ["Confirmed", "تصدیق شدہ"],
  shipped: ["Shipped", "روانہ"],
  delivered: ["Delivered", "پہنچ گیا"],
  cancelled: ["Cancelled", "منسوخ"],
  returned: ["Returned", "واپس"],
  // The analytics page.
  analytics: ["Analytics", "تجزیہ"],
  show: ["Show", "دکھائیں"],
  downloadCsv: ["Download CSV", "CSV ڈاؤن لوڈ کریں"],
  summary: ["Summary", "خلاصہ"],
  date: ["Date", "تاریخ"],
  codRate: ["COD confirmation rate", "COD تصدیق کی شرح"],
  codRateHelp: ["Cash-on-delivery orders the shopper confirmed on WhatsApp.", "کیش آن ڈیلیوری آرڈرز جن کی گاہک نے واٹس ایپ پر تصدیق کی۔"],
  cancelRate: ["Cancel rate", "منسوخی کی شرح"],
  cancelRateHelp: ["Orders cancelled, by anyone, at any point.", "آرڈرز جو کسی نے بھی، کبھی بھی منسوخ کیے۔"],
  medianAnswer: ["Median time to answer", "جواب کا درمیانی وقت"],
  medianAnswerHelp: ["From placing the order to the shopper's confirm or cancel.", "آرڈر دینے سے گاہک کی تصدیق یا منسوخی تک۔"],
  afterReminder: ["Answers after the reminder", "یاد دہانی کے بعد جوابات"],
  afterReminderHelp: ["Shoppers' answers that came after a COD reminder went out.", "گاہکوں کے وہ جوابات جو COD یاد دہانی جانے کے بعد آئے۔"],
  deliveredRate: ["Delivered rate", "ترسیل کی شرح"],
  deliveredRateHelp: ["Shipped orders that were delivered.", "روانہ شدہ آرڈرز جو پہنچ گئے۔"],
  returnedRate: ["Returned (RTO) rate", "واپسی (RTO) کی شرح"],
  returnedRateHelp: ["Shipped orders that came back undelivered.", "روانہ شدہ آرڈرز جو پہنچے بغیر واپس آئے۔"],
  minutesShort: ["{n} min", "{n} منٹ"],
  noOrdersYet: ["No orders yet", "ابھی کوئی آرڈر نہیں"],
  noCodOrders: ["No orders yet (cash on delivery)", "ابھی کوئی آرڈر نہیں (کیش آن ڈیلیوری)"],
  noAnswersYet: ["No orders yet with a shopper's answer", "ابھی کوئی آرڈر نہیں جس کا گاہک نے جواب دیا ہو"],
  noShippedYet: ["No orders yet that shipped", "ابھی کوئی روانہ شدہ آرڈر نہیں"],
  ofCod: ["{n} of {of} COD orders", "{of} میں سے {n} COD آرڈرز"],
  ofOrders: ["{n} of {of} orders", "{of} میں سے {n} آرڈرز"],
  answers: ["over {n} answers", "{n} جوابات پر"],
  ofAnswers: ["{n} of {of} answers", "{of} میں سے {n} جوابات"],
  ofShipped: ["{n} of {of} shipped orders", "{of} میں سے {n} روانہ شدہ آرڈرز"],
  ordersBySource: ["Orders per day by source", "روزانہ آرڈرز، ذریعے کے لحاظ سے"],
  ordersBySourceSummary: ["Bar chart: orders per day from {from} to {to}, Website and WhatsApp stacked; {n} orders in all. The numbers are in the table below.", "بار چارٹ: {from} سے {to} تک روزانہ آرڈرز، ویب سائٹ اور واٹس ایپ؛ کل {n} آرڈرز۔ اعداد نیچے جدول میں ہیں۔"],
  outcomes: ["What became of each day's orders", "ہر دن کے آرڈرز کا انجام"],
  outcomesSummary: ["Bar chart from {from} to {to}: {confirmed} confirmed, {cancelled} cancelled, {delivered} delivered, {returned} returned. The numbers are in the table below.", "بار چارٹ {from} سے {to} تک: {confirmed} تصدیق شدہ، {cancelled} منسوخ، {delivered} پہنچ گئے، {returned} واپس۔ اعداد نیچے جدول میں ہیں۔"],
  daysTable: ["Orders per day from {from} to {to}", "{from} سے {to} تک روزانہ آرڈرز"],
  whatsapp: ["WhatsApp", "واٹس ایپ"],
  website: ["Website", "ویب سائٹ"],
  ingest: ["Website", "ویب سائٹ"],
  store: ["Store", "اسٹور"],
  order: ["Order", "آرڈر"],
  customer: ["Customer", "گاہک"],
  phone: ["Phone", "فون"],
  address: ["Address", "پتہ"],
  items: ["Items", "اشیاء"],
  quantity: ["Qty", "تعداد"],
  price: ["Price", "قیمت"],
  total: ["Total", "کل"],
  payment: ["Payment", "ادائیگی"],
  cod: ["Cash on delivery", "کیش آن ڈیلیوری"],
  tracking: ["Tracking", "ٹریکنگ"],
  history: ["History", "تاریخچہ"],
  messages: ["WhatsApp messages", "واٹس ایپ پیغامات"],
  notices: ["Notices", "اطلاعات"],
  noMessages: ["No WhatsApp messages yet.", "ابھی کوئی واٹس ایپ پیغام نہیں۔"],
  noTracking: ["No tracking yet.", "ابھی ٹریکنگ نہیں۔"],
  needsReview: ["Needs review", "جائزہ درکار"],
  deliverTo: ["Deliver to", "ڈیلیوری کا پتہ"],
  scheduledFor: ["Quiet hours: goes at {at}", "خاموشی کے اوقات: {at} پر جائے گا"],
  back: ["Back to orders", "آرڈرز پر واپس"],
  moveTo: ["Mark {status}", "{status} کریں"],
  cancelOrder: ["Cancel order", "آرڈر منسوخ کریں"],
  reason: ["Reason", "وجہ"],
  cancelReason: ["Why is it cancelled?", "منسوخی کی وجہ؟"],
  keepOrder: ["Keep the order", "آرڈر رکھیں"],
  confirmCancel: ["Cancel the order", "آرڈر منسوخ کریں"],
  notFound: ["Not found", "نہیں ملا"],
  orderNotFound: ["This order does not exist in your business.", "یہ آرڈر آپ کے کاروبار میں موجود نہیں۔"],
  by: ["by {actor}", "{actor} کی طرف سے"],
  statusNow: ["Status: {status}", "حیثیت: {status}"],
  moved: ["Order {number} is now {status}.", "آرڈر {number} اب {status} ہے۔"],
  markAllRead: ["Mark all read", "سب پڑھ لیا"],
  noNotices: ["No notifications.", "کوئی اطلاع نہیں۔"],
  // Each kind of notice, as its heading on the notifications page.
  no_consent: ["No WhatsApp consent", "واٹس ایپ کی اجازت نہیں"],
  template_not_approved: ["Template not approved", "ٹیمپلیٹ منظور نہیں"],
  message_failed: ["Message failed", "پیغام ناکام"],
  whatsapp_not_connected: ["WhatsApp not connected", "واٹس ایپ منسلک نہیں"],
  opted_out: ["Customer opted out", "گاہک نے پیغامات بند کیے"],
  webhook_endpoint_deactivated: ["Webhook endpoint turned off", "ویب ہُک اینڈ پوائنٹ بند ہو گیا"],
  handover: ["Chat handed to a person", "چیٹ کسی صاحب کے حوالے"],
  unread: ["{n} unread", "{n} نئی"],
  add: ["Add", "شامل کریں"],
  save: ["Save", "محفوظ کریں"],
  edit: ["Edit", "ترمیم"],
  delete: ["Delete", "حذف کریں"],
  name: ["Name", "نام"],
  currency: ["Currency", "کرنسی"],
  inStock: ["In stock", "دستیاب"],
  outOfStock: ["Out of stock", "ختم"],
  description: ["Description", "تفصیل"],
  sku: ["SKU", "SKU"],
  aliases: ["Other names (comma separated)", "دوسرے نام (کوما سے الگ)"],
  faqs: ["FAQs", "سوالات"],
  question: ["Question", "سوال"],
  answer: ["Answer", "جواب"],
  keywords: ["Keywords (comma separated)", "مطلوبہ الفاظ (کوما سے الگ)"],
  importFrom: ["Import from a store URL", "اسٹور کے لنک سے درآمد کریں"],
  storeUrl: ["Store URL", "اسٹور کا لنک"],
  importing: ["Importing {url}… you can leave this page; the import goes on.", "{url} سے درآمد ہو رہا ہے… آپ یہ صفحہ چھوڑ سکتے ہیں، درآمد جاری رہے گی۔"],
  importProgress: ["Import progress", "درآمد کی پیش رفت"],
  pagesOf: ["{done} of {total} pages read", "{total} میں سے {done} صفحات پڑھے گئے"],
  pagesRead: ["{done} pages read", "{done} صفحات پڑھے گئے"],
  importDone: ["Imported: {created} new, {updated} updated.", "درآمد: {created} نئی، {updated} تازہ۔"],
  importFacts: ["{unchanged} unchanged · {pages} pages read · finished {when}", "{unchanged} پہلے جیسی · {pages} صفحات پڑھے گئے · {when} کو مکمل"],
  importFailed: ["The import failed: {message}", "درآمد ناکام ہو گئی: {message}"],
  importInterrupted: ["The import stopped before it finished (the server restarted). Start it again: nothing is added twice.", "درآمد مکمل ہونے سے پہلے رک گئی (سرور دوبارہ شروع ہوا)۔ دوبارہ شروع کریں: کچھ بھی دو بار شامل نہیں ہوگا۔"],
  importStarted: ["Import started.", "درآمد شروع ہو گئی۔"],
  skipped: ["Skipped pages", "چھوڑے گئے صفحات"],
  noProducts: ["No products yet.", "ابھی کوئی مصنوعات نہیں۔"],
  cancel: ["Cancel", "رہنے دیں"],
  saved: ["Saved.", "محفوظ ہو گیا۔"],
  apiKeys: ["API keys", "API کیز"],
  webhooks: ["Webhooks", "ویب ہُکس"],
  callbacks: ["Store callbacks", "اسٹور کال بیکس"],
  whatsappTab: ["WhatsApp", "واٹس ایپ"],
  plan: ["Plan and usage", "پلان اور استعمال"],
  users: ["Users", "صارفین"],
  createKey: ["Create key", "کی بنائیں"],
  keyName: ["Key name", "کی کا نام"],
  shownOnce: ["Copy it now: it is shown only once.", "ابھی کاپی کر لیں: یہ صرف ایک بار دکھائی جاتی ہے۔"],
  prefix: ["Prefix", "ابتدائیہ"],
  created: ["Created", "بنایا گیا"],
  lastUsed: ["Last used", "آخری استعمال"],
  never: ["never", "کبھی نہیں"],
  revoke: ["Revoke", "منسوخ کریں"],
  revoked: ["Revoked", "منسوخ شدہ"],
  endpointUrl: ["Endpoint URL", "اینڈ پوائنٹ لنک"],
  events: ["Events", "واقعات"],
  addEndpoint: ["Add endpoint", "اینڈ پوائنٹ شامل کریں"],
  secret: ["Signing secret", "دستخطی راز"],
  rotate: ["Rotate secret", "راز بدلیں"],
  test: ["Send test", "آزمائشی بھیجیں"],
  deliveries: ["Deliveries", "ترسیلات"],
  redeliver: ["Redeliver", "دوبارہ بھیجیں"],
  reactivate: ["Re-activate", "دوبارہ فعال کریں"],
  active: ["Active", "فعال"],
  deactivated: ["Deactivated", "غیر فعال"],
  response: ["Response", "جواب"],
  cancelUrl: ["Cancel URL", "منسوخی لنک"],
  remove: ["Remove", "ہٹائیں"],
  none: ["None", "کوئی نہیں"],
  connected: ["Connected number", "منسلک نمبر"],
  adminPhone: ["Admin phone", "ایڈمن فون"],
  templateLanguage: ["Template language", "ٹیمپلیٹ زبان"],
  sandbox: ["Sandbox", "سینڈ باکس"],
  // Settings → WhatsApp: the templates and Meta's review.
  tplTitle: ["Message templates", "پیغام کے ٹیمپلیٹس"],
  tplLead: ["Meta reviews every template before WhatsApp delivers it. Sauda sends only approved ones; a rejected one is listed with Meta's reason.", "واٹس ایپ ہر ٹیمپلیٹ بھیجنے سے پہلے میٹا اس کا جائزہ لیتا ہے۔ سودا صرف منظور شدہ ٹیمپلیٹ بھیجتا ہے؛ مسترد شدہ ٹیمپلیٹ میٹا کی وجہ کے ساتھ دکھایا جاتا ہے۔"],
  tplNone: ["No templates yet. They appear here a few seconds after a WhatsApp number is connected.", "ابھی کوئی ٹیمپلیٹ نہیں۔ واٹس ایپ نمبر منسلک ہونے کے چند سیکنڈ بعد یہاں نظر آئیں گے۔"],
  tplCategory: ["Category", "قسم"],
  tplStatus: ["Approval", "منظوری"],
  tplApproved: ["Approved", "منظور شدہ"],
  tplPending: ["Pending review", "جائزہ زیرِ التوا"],
  tplRejected: ["Rejected", "مسترد"],
  tplPaused: ["Paused", "معطل"],
  tplDisabled: ["Disabled", "غیر فعال"],
  tplInAppeal: ["In appeal", "اپیل میں"],
  tplChanged: ["Template {name} ({language}) is now {status}.", "ٹیمپلیٹ {name} ({language}) اب {status} ہے۔"],
  usedThisHour: ["{used} of {limit} requests this hour", "اس گھنٹے {limit} میں سے {used} درخواستیں"],
  resets: ["Resets at {at}", "{at} پر دوبارہ"],
  invite: ["Invite", "دعوت دیں"],
  role: ["Role", "کردار"],
  owner: ["Owner", "مالک"],
  staff: ["Staff", "عملہ"],
  inviteLink: ["Invite link (shown once)", "دعوتی لنک (ایک بار)"],
  pendingInvites: ["Pending invites", "زیرِ التوا دعوتیں"],
  expires: ["Expires", "میعاد"],
  ownerOnly: ["Only the owner can open this. Ask the shop's owner.", "یہ صرف مالک کھول سکتا ہے۔ دکان کے مالک سے کہیں۔"],
  tryAgain: ["Try again", "دوبارہ کوشش کریں"],
  loading: ["Loading…", "لوڈ ہو رہا ہے…"],
  close: ["Close", "بند کریں"],
  required: ["Required", "ضروری"],
  sessionEnded: ["This orders panel's session has ended; reload the page.", "اس آرڈرز پینل کا سیشن ختم ہو گیا ہے؛ صفحہ دوبارہ لوڈ کریں۔"],
  originRefused: ["Sauda refused this page (is its address listed?).", "سودا نے یہ صفحہ قبول نہیں کیا (کیا اس کا پتہ فہرست میں ہے؟)"],
} as const;

type Key = keyof typeof STRINGS;

const STORE_KEY = "sauda.lang";

// The widget's language comes from its script tag and never touches the host page's storage.
let fixed: Lang | null = null;

export function fixLang(value: Lang): void {
  fixed = value;
}

export function lang(): Lang {
  if (fixed) return fixed;
  return localStorage.getItem(STORE_KEY) === "ur" ? "ur" : "en";
}

export function applyLang(): void {
  const value = lang();
  document.documentElement.lang = value;
  document.documentElement.dir = value === "ur" ? "rtl" : "ltr";
}

export function setLang(value: Lang): void {
  localStorage.setItem(STORE_KEY, value);
  applyLang();
  window.dispatchEvent(new CustomEvent("sauda-lang"));
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const text: string = STRINGS[key][lang() === "ur" ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** A word the API gives (a status, a source) in the UI's language, or the word itself. */
export function word(value: string): string {
  return value in STRINGS ? t(value as Key) : value;
}

const locale = () => (lang() === "ur" ? "ur-PK" : "en-PK");

export function money(amount: number | string, currency: string): string {
  const value = typeof amount === "string" ? Number(amount) : amount;
  try {
    return new Intl.NumberFormat(locale(), { style: "currency", currency }).format(value);
  } catch {
    return `${currency} ${value}`;
  }
}

export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function waitText(seconds: number): string {
  return seconds >= 90 ? t("minutes", { n: Math.ceil(seconds / 60) }) : t("seconds", { n: seconds });
}
