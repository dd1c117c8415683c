"""Personal data in open answers: masked before anyone sees them (stored as written)."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Eleven digits in a row: a PESEL-like number (checked before phones, which are shorter).
# A "+" before it makes it an international phone number (+48 and nine digits).
PESEL = re.compile(r"(?<![\d+])\d{11}(?!\d)")
# Phone numbers as people write them: +48 600 100 200, 600-100-200, (22) 123 45 67,
# 600100200: a run of digits, spaces, dashes and brackets holding 9 digits (11-12 with the
# country code). Runs of other lengths (years, sums of money) stay.
PHONE_RUN = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s()-]{7,18}\d(?!\w)")


def _phone(match: re.Match) -> str:
    run = match.group(0)
    digits = sum(c.isdigit() for c in run)
    international = run.startswith(("+", "00"))
    if digits == 9 or (international and digits in (11, 12, 13)):
        return "[tel.]"
    if digits == 11:  # a PESEL written in groups: 850101 12345, 85-01-01-12345
        return "[PESEL]"
    return run


MASKS = (("[e-mail]", EMAIL), ("[PESEL]", PESEL))


def mask_personal_data(text: str) -> str:
    """``text`` with e-mail addresses, PESEL-like numbers and phone numbers replaced by
    ``[e-mail]``, ``[PESEL]`` and ``[tel.]``; everything else unchanged.

    Parameters
    ----------
    text : str
        An open answer as the respondent wrote it.

    Returns
    -------
    str
        The text to display. Numbers shorter than a phone number (years, sums) stay.
    """
    if not text:
        return text
    for mask, pattern in MASKS:
        text = pattern.sub(mask, text)
    return PHONE_RUN.sub(_phone, text)


def masked_codes(codes) -> dict:
    """Each answer code (or label) of a choice question -> the text that may be shown, with
    personal data masked (``mask_personal_data``) and distinct codes kept distinct.

    An open question detected as a choice (few distinct answers) would otherwise show its
    answers, e-mails and phones included, as option labels to every reader.
    """
    out = {c: c for c in codes if not isinstance(c, str) or mask_personal_data(c) == c}
    taken = set(out.values())
    for code in codes:
        if code in out:
            continue
        shown = base = mask_personal_data(code)
        number = 2
        while shown in taken:
            shown, number = f"{base} ({number})", number + 1
        taken.add(shown)
        out[code] = shown
    return out


def masked_options(options) -> list[dict]:
    """A choice question's options (``{"code", "label", ...}``) as they may be shown."""
    options = list(options or [])
    shown = masked_codes([o["code"] for o in options])
    return [{**o, "code": shown[o["code"]],
             "label": mask_personal_data(o["label"]) if o.get("label") else o.get("label")}
            for o in options]
