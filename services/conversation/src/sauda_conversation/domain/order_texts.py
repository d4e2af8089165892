"""What the bot says about placed orders, in English, Urdu (Nastaliq) and Roman Urdu (which
Hindi speakers also get, as in `replies`)."""

from sauda_contracts.language import Language

EN, UR, RO = Language.EN, Language.UR, Language.UR_LATN

ORDER_TEXTS: dict[str, dict[Language, str]] = {
    "no_orders": {
        EN: 'We could not find any order from this WhatsApp number. Tap "Order now" to place one.',
        UR: "اس واٹس ایپ نمبر سے ہمیں کوئی آرڈر نہیں ملا۔ نیا آرڈر دینے کے لیے «ابھی آرڈر کریں» دبائیں۔",
        RO: "Is WhatsApp number se humein koi order nahi mila. Naya order dene ke liye "
        '"Order karein" dabayein.',
    },
    "not_found": {
        EN: "Sorry, we could not find order {number} for this WhatsApp number. Please check "
        'the number, or write "where is my order" to see your orders.',
        UR: "معاف کیجیے، اس واٹس ایپ نمبر کا آرڈر {number} نہیں ملا۔ نمبر دوبارہ دیکھ لیں، یا "
        "اپنے آرڈر دیکھنے کے لیے «میرا آرڈر کہاں ہے» لکھیں۔",
        RO: "Maaf kijiye, is WhatsApp number ka order {number} nahi mila. Number dobara check "
        'kar lein, ya apne orders dekhne ke liye "mera order kahan hai" likhein.',
    },
    "status_line": {EN: "Status: {status}", UR: "صورتحال: {status}", RO: "Status: {status}"},
    "total_line": {EN: "Total: {total}", UR: "کل رقم: {total}", RO: "Total: {total}"},
    "tracking_line": {EN: "Track: {url}", UR: "ٹریکنگ: {url}", RO: "Tracking: {url}"},
    "status_pending": {
        EN: "waiting for your confirmation",
        UR: "آپ کی تصدیق کا منتظر",
        RO: "aap ki tasdeeq ka intezar",
    },
    "status_confirmed": {EN: "confirmed", UR: "تصدیق شدہ", RO: "confirm ho gaya"},
    "status_shipped": {EN: "shipped", UR: "روانہ ہو چکا", RO: "rawana ho chuka"},
    "status_delivered": {EN: "delivered", UR: "پہنچ چکا", RO: "deliver ho chuka"},
    "status_cancelled": {EN: "cancelled", UR: "منسوخ", RO: "cancel ho chuka"},
    "status_returned": {EN: "returned to the store", UR: "اسٹور کو واپس", RO: "store ko wapas"},
    "which_to_cancel": {
        EN: "Which order would you like to cancel?",
        UR: "آپ کون سا آرڈر منسوخ کرنا چاہتے ہیں؟",
        RO: "Aap kaun sa order cancel karna chahte hain?",
    },
    "cancel_sure": {
        EN: "Do you want to cancel order {number}?",
        UR: "کیا آپ آرڈر {number} منسوخ کرنا چاہتے ہیں؟",
        RO: "Kya aap order {number} cancel karna chahte hain?",
    },
    "yes_cancel": {EN: "Yes, cancel it", UR: "جی، منسوخ کریں", RO: "Haan, cancel karein"},
    "keep": {EN: "No, keep it", UR: "نہیں، رہنے دیں", RO: "Nahi, rehne dein"},
    "kept": {
        EN: "Okay, order {number} stays as it is.",
        UR: "ٹھیک ہے، آرڈر {number} ویسے ہی رہے گا۔",
        RO: "Theek hai, order {number} waise hi rahega.",
    },
    "shipped": {
        EN: "Your order {number} has already shipped, so it can no longer be cancelled here. "
        "If you do not want it, please contact the store.",
        UR: "آپ کا آرڈر {number} روانہ ہو چکا ہے، اس لیے اب یہاں منسوخ نہیں ہو سکتا۔ اگر آپ کو "
        "نہیں چاہیے تو براہ کرم اسٹور سے رابطہ کریں۔",
        RO: "Aap ka order {number} rawana ho chuka hai, is liye ab yahan cancel nahi ho sakta. "
        "Agar aap ko nahi chahiye to store se rabta karein.",
    },
    "delivered": {
        EN: "Your order {number} has already been delivered, so it cannot be cancelled. "
        "Please contact the store about a return.",
        UR: "آپ کا آرڈر {number} پہنچ چکا ہے، اس لیے منسوخ نہیں ہو سکتا۔ واپسی کے لیے اسٹور "
        "سے رابطہ کریں۔",
        RO: "Aap ka order {number} deliver ho chuka hai, is liye cancel nahi ho sakta. Wapsi "
        "ke liye store se rabta karein.",
    },
    "already_cancelled": {
        EN: "Your order {number} is already cancelled.",
        UR: "آپ کا آرڈر {number} پہلے ہی منسوخ ہو چکا ہے۔",
        RO: "Aap ka order {number} pehle hi cancel ho chuka hai.",
    },
    "returned": {
        EN: "Your order {number} was returned to the store, so there is nothing to cancel.",
        UR: "آپ کا آرڈر {number} اسٹور کو واپس جا چکا ہے، منسوخ کرنے کو کچھ نہیں۔",
        RO: "Aap ka order {number} store ko wapas ja chuka hai, cancel karne ko kuch nahi.",
    },
    "none_to_cancel": {
        EN: "You have no order that can still be cancelled.",
        UR: "آپ کا کوئی ایسا آرڈر نہیں جو اب منسوخ ہو سکے۔",
        RO: "Aap ka koi aisa order nahi jo ab cancel ho sake.",
    },
    "tap_not_found": {
        EN: "Sorry, we could not find that order for this WhatsApp number.",
        UR: "معاف کیجیے، اس واٹس ایپ نمبر کا یہ آرڈر نہیں ملا۔",
        RO: "Maaf kijiye, is WhatsApp number ka ye order nahi mila.",
    },
}


def order_say(key: str, language: Language, **values: object) -> str:
    return ORDER_TEXTS[key][language].format(**values)
