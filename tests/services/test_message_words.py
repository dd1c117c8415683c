"""Messages name things as people know them: voivodeships by name, not TERYT codes."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

from services.access.rules import Forbidden, Principal, readable_voivodeship

CATALOGUE = gettext.translation(
    "messages", str(Path(__file__).parents[2] / "web" / "translations"), languages=["pl"])


def test_a_marshal_office_is_refused_another_voivodeship_by_its_name():
    office = Principal(7, "urzad@test.pl", "marshal_office", voivodeship="20")
    readable_voivodeship(office, "20")  # its own: allowed
    with pytest.raises(Forbidden) as refused:
        readable_voivodeship(office, "16")
    assert str(refused.value) == "your office sees voivodeship podlaskie, not opolskie"
    assert refused.value.render(CATALOGUE.gettext) == \
        "Twój urząd widzi województwo podlaskie, a nie opolskie"
