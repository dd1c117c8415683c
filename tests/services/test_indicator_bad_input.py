"""Bad indicator files: a clear message naming the place, and nothing stored."""

import pytest

from core.errors import InvalidInput
from services.indicators.store import import_indicators
from tests.conftest import table_counts


def refused(engine, path, fmt, **kwargs) -> str:
    before = table_counts(engine)
    with pytest.raises(InvalidInput) as caught:
        import_indicators(engine, path, fmt, **kwargs)
    assert table_counts(engine) == before
    return caught.value.one_line()


CSV = {"code": "test_values", "name": "Wartości testowe", "direction": "higher-worse"}


def test_unknown_teryt(reference_engine, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("teryt,year,value\n2013011,2024,1.5\n2099011,2024,2\n")
    assert "1 codes are not gminas of the loaded boundaries: 2099011" in refused(
        reference_engine, path, "csv", **CSV)


def test_non_numeric_value(reference_engine, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("teryt,year,value\n2013011,2024,1.5\n2013023,2024,dużo\n")
    assert refused(reference_engine, path, "csv", **CSV) == \
        f"{path}: line 3: value 'dużo' is not a number"


def test_wrong_year(reference_engine, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("teryt,year,value\n2013011,24,1.5\n")
    assert "line 2: year '24' is not a year between 1950 and" in refused(
        reference_engine, path, "csv", **CSV)


def test_missing_columns_and_options(reference_engine, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("kod,rok,wartosc\n2013011,2024,1\n")
    assert "missing columns: teryt, value, year" in refused(reference_engine, path, "csv", **CSV)
    assert "--format csv needs --code and --name" in refused(reference_engine, path, "csv")
    assert "must be lower-case ASCII" in refused(reference_engine, path, "csv", code="Zła Nazwa",
                                                name="x", direction="neutral")


def test_bdl_export_with_a_word_in_a_number_cell(reference_engine, data_dir, tmp_path):
    original = (data_dir / "indicators" / "bdl_exports" / "LUDN_2425_2024.csv").read_text()
    lines = original.splitlines()
    lines[4] = lines[4].replace("1610.3", "brak", 1)  # Bolesławiec (1)
    path = tmp_path / "LUDN_2425_2024.csv"
    path.write_text("\n".join(lines) + "\n")
    message = refused(reference_engine, path, "bdl-csv")
    assert "line 5, column 3 (ludność na 1 km2,2024,[osoba]): 'brak' is not a number" in message


def test_not_a_bdl_export_or_table(reference_engine, data_dir, tmp_path):
    flows = data_dir / "flows" / "migration_gmina_2023.csv"
    assert "not a BDL export" in refused(reference_engine, flows, "bdl-csv")
    assert "not GUS table 21" in refused(reference_engine, flows, "gus-t21")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "the file is empty" in refused(reference_engine, empty, "bdl-csv")
    assert "unknown format 'xlsx'" in refused(reference_engine, flows, "xlsx")


def test_conflicting_repeats_in_an_export(reference_engine, data_dir, tmp_path):
    original = (data_dir / "indicators" / "bdl_exports" / "LUDN_2425_2023.csv").read_text()
    path = tmp_path / "LUDN_2425_2023.csv"
    path.write_text(original.replace('1465011;"Warszawa";1861,60;', '1465011;"Warszawa";1900,00;'))
    assert "1465011 appears again (first on line" in refused(reference_engine, path, "bdl-csv")


def test_plain_csv_loads_with_six_digit_codes(reference_engine, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("teryt;year;value\n201301;2024;1,5\n2013023;2024;2,5\n")
    report = import_indicators(reference_engine, path, "csv", **CSV)
    assert report.stored == 2 and report.gminas_matched == 2


def _through_a_spreadsheet(source, target, *, rename: dict | None = None) -> None:
    """The real BDL export as a spreadsheet saves it: codes read as numbers lose their
    leading zeros (0201011 -> 201011, 0000000 -> 0); optionally a unit renamed."""
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        code, sep, rest = line.partition(";")
        if code.isdigit():
            code = str(int(code))
            for old, new in (rename or {}).items():
                if code == old:
                    name, sep2, tail = rest.partition(";")
                    rest = f'"{new}"{sep2}{tail}'
        out.append(code + sep + rest)
    target.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_codes_without_leading_zero_are_repaired_on_request(reference_engine, data_dir,
                                                            tmp_path):
    source = data_dir / "indicators" / "bdl_exports" / "LUDN_2425_2023.csv"
    path = tmp_path / "LUDN_2425_2023.csv"
    _through_a_spreadsheet(source, path)
    message = refused(reference_engine, path, "bdl-csv")
    assert "1022 codes have fewer than 7 digits (e.g. 0 for 0000000 POLSKA)" in message
    assert "run again with --repair-codes" in message
    report = import_indicators(reference_engine, path, "bdl-csv", repair_codes=True)
    assert "201011->0201011" in report.repaired_codes and "0->0000000" in report.repaired_codes
    with reference_engine.connect() as conn:
        import sqlalchemy as sa

        value = conn.execute(sa.text(
            "SELECT value, source_code FROM indicator_value WHERE load_id = :l AND"
            " teryt = '0201011' AND level = 'gmina'"), {"l": report.load_id}).one()
        loads = conn.execute(sa.text("SELECT report FROM indicator_load WHERE id = :l"),
                             {"l": report.load_id}).scalar_one()
    assert value == (37.06, "0201011")  # Bolesławiec, as in the original file
    assert "201011->0201011" in loads["repaired_codes"]
    original = import_indicators(reference_engine, source, "bdl-csv")
    assert report.stored == original.stored and report.gminas_matched == original.gminas_matched


def test_short_codes_that_do_not_match_their_names_are_not_repaired(reference_engine, data_dir,
                                                                    tmp_path):
    source = data_dir / "indicators" / "bdl_exports" / "LUDN_2425_2023.csv"
    path = tmp_path / "LUDN_2425_2023.csv"
    _through_a_spreadsheet(source, path, rename={"201011": "Kraków (1)"})
    message = refused(reference_engine, path, "bdl-csv", repair_codes=True)
    assert "cannot be repaired safely" in message
    assert "201011 -> 0201011 is Bolesławiec, but the file names it 'Kraków (1)'" in message
