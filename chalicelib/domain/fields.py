"""The limits and patterns of what people send: one place for the request models (domain/models.py) and the
parsers and pages that quote them. No pydantic here: importing these costs a cold start nothing."""

from __future__ import annotations

import re
import unicodedata

LIMITS = {
    "title": 150,
    "description": 5000,
    "location": 300,
    "name": 100,
    "email": 254,
    "phone": 30,
    "external_ref": 100,
}
MIN_DESCRIPTION = 10
ANSWER_MAX = 4000
REASON_MAX = 2000
COMMENT_MAX = 2000
ACCOUNT_FIELD_MAX = 256
MIN_PASSWORD = 8
MAX_ORGANISATION = 100
MAX_MEMBER_NAME = 100
ATTACHMENT_TYPES = ("image/jpeg", "image/png", "application/pdf")
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
MAX_FILENAME = 200
CHANNELS = ("phone", "walk_in", "letter", "whatsapp", "social_media", "email", "sp4n_lapor")
# Reply templates (domain/reply_templates.py): the decision forms they serve, and a template's name.
TEMPLATE_STAGES = ("opd_response", "review", "reply", "request_information")
MAX_TEMPLATE_NAME = 100
# One email rule for every entry point (registration, login, members, every channel's reporter, Open311):
# the address as a browser's <input type=email> takes it -- RFC 5322's atext and dots, at most 64 before
# the @ -- at a domain of letters, digits and hyphens with a top-level domain. No brackets, blanks, quotes
# or control characters: what SES and Cognito accept, and nothing that can bend a mail header.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = rf"^{_ATEXT}{{1,64}}@(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])$"
INTL_PHONE_PATTERN = r"^\+[1-9][0-9]{7,14}$"  # E.164, what we keep and Cognito keeps: +6281234567890
EXTERNAL_REF_PATTERN = r"^[\x21-\x7e]([\x20-\x7e]{0,98}[\x21-\x7e])?$"


# A password the user pool takes (infra: PasswordPolicy; local/provision.py): 8+ characters with an upper-case
# letter, a lower-case letter and a digit. Cognito checks it too; moto does not when a password is reset.
MAX_PASSWORD = 256
# A code Cognito emails (sign-up confirmation, password reset): digits, as typed (blanks and dashes dropped).
RESET_CODE_PATTERN = r"^[0-9]{4,12}$"
PHONE_REGION = "ID"  # a number written without a country code is Indonesian
_COUNTRY_CODE = "62"
# What a phone number may be written with before it is read: digits, blanks, dashes, dots, slashes,
# brackets and one leading plus ("(+62) 812-3456-7890"). No letters: phonenumbers would read "1-800-FLOWERS"
# or an extension ("x12") into a number nobody wrote.
_PHONE_TEXT = re.compile(r"\(? *\+?[0-9 ()./-]+")


def normalise_phone(text: str) -> str | None:
    """The one phone rule (register, ``PATCH /me``, a staff entry's reporter, Cognito's pre sign-up trigger):
    a number as people write it -- ``0812-3456-7890``, ``0812 3456 7890``, ``812...``, ``+62 812...``,
    ``62812...`` -- in E.164 (``+6281234567890``), or None when it is not a valid number.

    Read by Google's libphonenumber (``phonenumbers``); without a ``+`` the number is Indonesian (``PHONE_REGION``),
    with one any country's valid number is taken. ``phonenumbers`` is imported here, on first use: a cold
    start does not load its metadata (docs/performance.md).
    """
    if not isinstance(text, str):
        return None
    candidate = text.strip()
    if not candidate or len(candidate) > LIMITS["phone"] or not _PHONE_TEXT.fullmatch(candidate):
        return None
    import phonenumbers

    digits = re.sub(r"[^0-9+]", "", candidate)
    # "62812..." is how WhatsApp shows a number: Indonesia's country code without its plus. libphonenumber may
    # read it as a national number of an area code 62x (Sumatra) when both readings are valid; people mean
    # the country code, so that reading comes first.
    readings = [f"+{digits}", candidate] if digits.startswith(_COUNTRY_CODE) else [candidate]
    for reading in readings:
        try:
            number = phonenumbers.parse(reading, PHONE_REGION)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def is_strong_password(text: str) -> bool:
    """The user pool's password policy: ``MIN_PASSWORD``+ characters, an upper-case and a lower-case letter
    and a digit (what the message ``weak_password`` says)."""
    return (
        MIN_PASSWORD <= len(text) <= MAX_PASSWORD
        and any(c.isupper() for c in text)
        and any(c.islower() for c in text)
        and any(c.isdigit() for c in text)
    )


def is_email(text: str) -> bool:
    """The one email rule (``EMAIL_PATTERN``, whole text: no trailing newline slips past ``$``)."""
    return len(text) <= LIMITS["email"] and re.fullmatch(EMAIL_PATTERN, text) is not None


# What no text field may hold, whichever route or channel it comes by (issue 18): control characters
# (Unicode Cc: NUL, escape, C1 ...) that emails, logs and spreadsheets would carry on; lone surrogates
# (Cs: no UTF-8 can store them); the non-characters U+FFFE and U+FFFF; and the bidirectional embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069) that make a name or a sentence read otherwise
# than it is written. Long texts keep their line breaks and tabs (\n, \r, \t); in a one-line field
# (a title, a name, a place) line breaks and tabs become one space (``one_line``) before this check.
# Other format characters stay: the zero-width joiner builds emoji, U+200E/U+200F mark direction honestly.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_NOT_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]+")
_LINE_BREAK_RUN = re.compile(" *[\t\n\r\u2028\u2029][\t\n\r\u2028\u2029 ]*")  # with the spaces around it


def has_forbidden_characters(text: str, multiline: bool = False) -> bool:
    """Whether ``text`` holds a character no text field may (see above); a one-line field not even a line
    break or a tab."""
    return bool(_NOT_TEXT.search(text)) or (not multiline and bool(_LINE_BREAKS.search(text)))


def one_line(text: str) -> str:
    """A one-line field as typed into a form: its line breaks and tabs (and the spaces around them) become one
    space."""
    return _LINE_BREAK_RUN.sub(" ", text)


def clean_filename(name: str) -> str:
    """The last path component, without control or format characters, trimmed.

    Browsers send ``C:\\fakepath\\photo.jpg`` or ``../../x``: only ``photo.jpg`` / ``x`` is kept.
    Unicode is normalised (NFC) so one name is stored one way.
    """
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    name = name.strip().strip(".").strip()
    return name
