"""Indicator values as people type them, and the on-track rule. Pure: no queries.

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


def expected_at(*, base: Decimal, base_year: int, target: Decimal, target_year: int,
                year: float) -> Decimal:
    """The straight line from base to target, at ``year`` (clamped to the line's ends)."""
    if target_year <= base_year:
        return target
    share = (Decimal(str(year)) - base_year) / (target_year - base_year)
    share = max(Decimal(0), min(Decimal(1), share))
    return base + (target - base) * share


def course_status(*, base, base_year, target, target_year, more_is_better: bool,
                  points: list[tuple[float, Decimal]]) -> str:
    """"op_koers", "achter" or "geen_data": on track when the last measured value is at
    least the straight line from base to target at its period (at most, for "less is
    better"). ``points``: (year, value) in time order, a half year as year + 0.25 / 0.75;
    for a cumulative indicator, the running total. Without a base, the line starts at the
    first measurement."""
    if not points:
        return "geen_data"
    if base is None or base_year is None:
        base_year, base = points[0]
    year, value = points[-1]
    line = expected_at(base=Decimal(base), base_year=int(base_year), target=Decimal(target),
                       target_year=int(target_year), year=year)
    on_track = value >= line if more_is_better else value <= line
    return "op_koers" if on_track else "achter"


def format_number(value) -> str:
    """A value as people write it here: no trailing zeros, a decimal comma ("12,5",
    "240")."""
    if value is None:
        return ""
    value = Decimal(value)
    text = f"{value.normalize():f}" if value != value.to_integral() else f"{value:.0f}"
    return text.replace(".", ",")
