"""Indicator values as people type them. Pure: no queries. (Whether an indicator is on
track is the charts' rule: beleidsplan/charts.py ``expected_value`` and ``on_track``, applied
in beleidsplan/document.py.)

A value is a number, written the Flemish way or the international way ("1.250,5",
"1250.5", "1 250"), optionally followed by the indicator's own unit ("240 deelnemers").
Another unit after the number ("300 euro" for an indicator counted in participants) is
refused: the partner probably reports the wrong figure.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NUMBER_RE = re.compile(r"^\s*([+-]?[\d.,\s\u00a0]*\d)\s*(.*?)\s*$")


def _to_decimal(text: str) -> Decimal:
    text = re.sub(r"[\s\u00a0]", "", text)
    if "," in text and "." in text:
        # The last separator is the decimal one: "1.250,5" or "1,250.5".
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1 or re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", text):
        # "1.250" or "1.250.000": thousands, as written in Flanders.
        text = text.replace(".", "")
    return Decimal(text)


def parse_value(raw, eenheid: str) -> Decimal | None:
    """The number in ``raw`` (str, int, Decimal), None when empty. Raises ValidationError
    (Dutch) for text that is not a number or a number followed by another unit than
    ``eenheid``."""
    if raw is None:
        return None
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    raw = str(raw).strip()
    if not raw:
        return None
    match = _NUMBER_RE.match(raw)
    if not match:
        raise ValidationError(
            _("“%(value)s” is not a number. Give a number, e.g. 240.") % {"value": raw[:30]},
            code="not_a_number",
        )
    number, unit = match[1], match[2]
    if unit and unit.casefold() != (eenheid or "").strip().casefold():
        raise ValidationError(
            _(
                "This indicator is counted in %(unit)s, not in “%(other)s”. Give the number "
                "of %(unit)s only."
            )
            % {"unit": eenheid, "other": unit[:30]},
            code="unit",
        )
    try:
        value = _to_decimal(number)
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” is not a number. Give a number, e.g. 240.") % {"value": raw[:30]},
            code="not_a_number",
        ) from None
    if abs(value) >= Decimal("1e12"):
        raise ValidationError(_("This number is too large."), code="too_large")
    return value.quantize(Decimal("0.01"))


def format_number(value) -> str:
    """A value as people write it here: no trailing zeros, a decimal comma ("12,5",
    "240")."""
    if value is None:
        return ""
    value = Decimal(value)
    text = f"{value.normalize():f}" if value != value.to_integral() else f"{value:.0f}"
    return text.replace(".", ",")
