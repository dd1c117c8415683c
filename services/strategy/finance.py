"""The financial table of a project: sums, co-financing and the own contribution per gmina.

Everything is Decimal. The co-financing is the eligible cost times the rate, rounded down to
the grosz (a grant never exceeds its rate); the own contribution is the rest of the total.
The own contribution is split among the gminas exactly to the grosz by the largest-remainder
method: each gmina gets its share rounded down, and the groszy left over go one by one to the
largest remainders (ties by TERYT), so the parts always add up to the whole.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from services.reference.labels import gmina_labels, in_language

GROSZ = Decimal("0.01")
HUNDRED = Decimal(100)


def largest_remainder(amount: Decimal, weights: dict[str, Fraction]) -> dict[str, Decimal]:
    """``amount`` split in proportion to ``weights`` (teryt -> weight), exactly to the grosz."""
    total = sum(weights.values(), Fraction(0))
    if not weights or total <= 0:
        return {}
    groszy = int((amount / GROSZ).to_integral_value())
    exact = {k: Fraction(groszy) * w / total for k, w in weights.items()}
    floors = {k: v.numerator // v.denominator for k, v in exact.items()}
    left = groszy - sum(floors.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - floors[k]), k))[:left]:
        floors[key] += 1
    return {k: Decimal(v) * GROSZ for k, v in floors.items()}


def _percent(part: Fraction) -> Decimal:
    part *= 100
    return (Decimal(part.numerator) / Decimal(part.denominator)).quantize(Decimal("0.0001"))


def weights_of(values: dict[str, float | Decimal]) -> dict[str, Fraction]:
    return {k: Fraction(Decimal(str(v))) for k, v in values.items() if v and v > 0}


def table(rate: Decimal, lines: list[dict], method: str, weights: dict[str, Fraction],
          names: dict[str, str]) -> dict:
    """The finance block of a project package (see services/strategy/model.py)."""
    total = sum((line["total"] for line in lines), Decimal("0.00"))
    eligible = sum((line["eligible"] for line in lines), Decimal("0.00"))
    cofinancing = (eligible * rate).quantize(GROSZ, rounding=ROUND_DOWN)
    own = total - cofinancing
    amounts = largest_remainder(own, weights)
    whole = sum(weights.values(), Fraction(0))
    # Money split between the town and the rural gmina of one name (Wysokie Mazowieckie)
    # must say which is which: the kind of gmina follows a name two partners share (in
    # Polish, as the package's other words: the plan is a Polish document).
    labels = gmina_labels(names.items())
    shares = [{"teryt": t, "name": in_language(labels.get(t, t), "pl"),
               "share": _percent(weights[t] / whole), "amount": amounts[t]}
              for t in sorted(amounts)]
    by_year: dict[int, dict] = {}
    for line in lines:
        year = by_year.setdefault(line["year"], {"total": Decimal("0.00"),
                                                 "eligible": Decimal("0.00")})
        year["total"] += line["total"]
        year["eligible"] += line["eligible"]
    return {"cofinancing_rate": rate, "lines": lines, "total": total, "eligible": eligible,
            "cofinancing": cofinancing, "own_contribution": own, "split_method": method,
            "shares": shares,
            "by_year": [{"year": y, **v} for y, v in sorted(by_year.items())]}
