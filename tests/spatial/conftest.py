"""Real gminas and a real indicator for the pure spatial tests (no database)."""

import geopandas as gpd
import pandas as pd
import pytest

from spatial.weights import build_weights


@pytest.fixture(scope="session")
def gminas(boundaries_dir):
    return gpd.read_file(boundaries_dir / "gminy.geojson").to_crs(2180).set_index("terc")


@pytest.fixture(scope="session")
def unemployment_2024(data_dir):
    """Registered unemployed per 1,000 residents, 2024, from the mirror's derived table."""
    table = pd.read_csv(data_dir / "indicators" / "gmina_indicators_2477.csv",
                        dtype={"teryt_boundary": str}).set_index("teryt_boundary")
    return table["unemployed_per_1000_2024"].rename("unemployed_per_1000")


@pytest.fixture(scope="session")
def queen(gminas):
    return build_weights(gminas, "queen")
