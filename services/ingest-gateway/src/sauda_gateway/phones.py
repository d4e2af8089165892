"""Phone numbers as customers type them, read into international digits (libphonenumber)."""

import phonenumbers

from sauda_gateway.domain import Business, InvalidPhone


def is_phone_region(code: str) -> bool:
    """True for an ISO country code libphonenumber knows numbers of ("PK", "IN")."""
    return code in phonenumbers.SUPPORTED_REGIONS


def normalize_phone(raw: str, default_region: str) -> str | None:
    """International digits (923001234567) for a phone in any common form, or None if impossible.

    Digits long enough to carry a country code are tried as international first, so
    919876543210 stays Indian for a Pakistani business; anything else is read as local.
    """
    text = raw.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    candidates: list[tuple[str, str | None]] = []
    if text.startswith("+") or text.startswith("00"):
        candidates.append(
            (f"+{digits.removeprefix('00') if text.startswith('00') else digits}", None)
        )
    elif len(digits) >= 11 and not digits.startswith("0"):
        candidates.append((f"+{digits}", None))
    candidates.append((text, default_region))
    for candidate, region in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
    return None


def phone_of(raw: str, business: Business, *, field: str) -> str:
    """The phone in international digits, read as the business's country when it has no code."""
    phone = normalize_phone(raw, business.default_country)
    if phone is None:
        raise InvalidPhone(
            f"{field}: {raw!r} is not a possible phone number (numbers without a country code "
            f"are read as {business.default_country})",
            field=field,
        )
    return phone
