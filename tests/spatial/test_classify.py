"""Natural breaks equal to mapclassify.FisherJenks: random data with ties, real values, errors."""

import warnings

import mapclassify
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spatial.classify import MAX_VALUES, fisher_jenks_breaks


def mapclassify_breaks(values, k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed. Using slow pure python version."
        return mapclassify.FisherJenks(np.asarray(values, dtype=float), k=k).bins


def assert_same_as_mapclassify(values, k):
    values = np.asarray(values, dtype=float)
    k = min(k, len(np.unique(values)))
    before = values.copy()
    ours = fisher_jenks_breaks(values, k)
    np.testing.assert_array_equal(ours, mapclassify_breaks(values, k))
    np.testing.assert_array_equal(values, before)  # the input is not sorted in place
    return ours


@settings(max_examples=250, deadline=None)
@given(st.lists(st.integers(-15, 15), min_size=1, max_size=90), st.integers(1, 7))
def test_integers_with_many_ties(values, k):
    assert_same_as_mapclassify(values, k)


@st.composite
def drawn_from_a_few_values(draw):
    """Values repeated from a small pool (ties), of very different magnitudes."""
    scale = draw(st.sampled_from([1e-3, 1.0, 37.0, 1e4, 2.5e6]))
    pool = draw(st.lists(st.floats(-1000, 1000, allow_nan=False), min_size=1, max_size=25))
    picks = draw(st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=120))
    return [pool[i] * scale for i in picks]


@settings(max_examples=250, deadline=None)
@given(drawn_from_a_few_values(), st.integers(2, 7))
def test_floats_with_ties_at_any_scale(values, k):
    assert_same_as_mapclassify(values, k)


def test_real_rates_of_one_voivodeship_for_every_k(unemployment_2024):
    podlaskie = unemployment_2024[unemployment_2024.index.str.startswith("20")]
    assert len(podlaskie) == 118
    for k in range(2, 8):
        breaks = assert_same_as_mapclassify(podlaskie.to_numpy(), k)
        assert len(breaks) == k and breaks[-1] == podlaskie.max()


def test_every_class_upper_bound_is_a_value_and_they_rise():
    values = np.random.default_rng(9).lognormal(2, 1, 500).round(1)
    breaks = assert_same_as_mapclassify(values, 7)
    assert np.isin(breaks, values).all() and (np.diff(breaks) > 0).all()


@pytest.mark.parametrize("values, k, message", [
    ([], 2, "at least one value"),
    ([1.0, np.nan, 3.0], 2, "finite"),
    ([1.0, 1.0, 2.0], 3, "Fewer unique values"),
    ([1.0, 2.0, 3.0], 0, "at least 1 class"),
    (np.arange(MAX_VALUES + 1.0), 5, f"at most {MAX_VALUES}"),
    ([1e30, 2e30, 3e30], 2, "too large"),
])
def test_what_cannot_be_classified_is_refused(values, k, message):
    with pytest.raises(ValueError, match=message):
        fisher_jenks_breaks(values, k)
