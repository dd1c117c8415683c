"""Reading in a child bounded in time and memory (issue 9, item 5)."""

import numpy as np
import pytest

from core.errors import InvalidInput, NotFound
from layers.bounded import run_bounded


def spin():
    while True:
        pass


def swell():
    return np.ones(512 * 2**20 // 8).sum()  # 512 MiB


def refuse():
    raise NotFound("no such layer", where="x.gpkg")


def test_a_read_that_never_ends_is_killed():
    with pytest.raises(InvalidInput, match="took longer than 1 s; refused"):
        run_bounded(spin, seconds=1, memory_bytes=2**30, where="f.gpkg")


def test_a_read_that_swells_is_refused():
    with pytest.raises(InvalidInput, match="needed more than 128 MiB of memory"):
        run_bounded(swell, seconds=30, memory_bytes=128 * 2**20, where="f.geojson")
    assert run_bounded(swell, seconds=30, memory_bytes=2**30, where="f") == 512 * 2**20 // 8


def test_errors_of_the_child_come_back_as_they_were():
    with pytest.raises(NotFound) as caught:
        run_bounded(refuse, seconds=30, memory_bytes=2**30, where="f")
    assert caught.value.one_line() == "x.gpkg: no such layer"


def crash():
    import os

    os._exit(3)


def test_a_reader_that_dies_is_a_refusal():
    with pytest.raises(InvalidInput, match="stopped without an answer"):
        run_bounded(crash, seconds=30, memory_bytes=2**30, where="f")
