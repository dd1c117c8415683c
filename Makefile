# Everything a fresh Debian/Ubuntu machine with Python 3.11 needs: `make demo`, `make test`.
# Both are idempotent: a second run reuses the virtualenv, the database and the cache.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# The data mirror: ../shared/data when it is there; otherwise the official sources are fetched.
PARTNERSTWA_DATA_DIR ?= $(if $(wildcard ../shared/data/boundaries),$(abspath ../shared/data),)
export PARTNERSTWA_DATA_DIR
export DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/partnerstwa

STAMP := $(VENV)/.installed

.PHONY: demo test test-setup setup venv db load serve bench lint clean

# A venv without pip (Debian's python3 without python3-venv) is completed, not kept.
$(STAMP): setup.cfg pyproject.toml
	$(BIN)/python -m pip --version >/dev/null 2>&1 || { $(PYTHON) -c 'import ensurepip' 2>/dev/null \
	  || scripts/provision_system.sh python; $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

venv: $(STAMP)

# The app imports WeasyPrint (reports), which loads the libraries of `documents`.
setup: venv
	scripts/provision_system.sh postgis documents

db: setup
	$(BIN)/partnerstwa db init

load: db
	$(BIN)/partnerstwa load reference
	$(BIN)/partnerstwa analyse lisa --indicator marginalisation_risk --year 2024 --seed 2024 --reuse
	$(BIN)/partnerstwa analyse lisa --indicator unemployed_per_1000 --year 2024 --seed 2024 --reuse
	$(BIN)/partnerstwa analyse gi --indicator marginalisation_risk --year 2024 --seed 2024 --reuse
	$(BIN)/partnerstwa users demo
	$(BIN)/partnerstwa consultations open --partnership P01 --slug demo-p01 \
	  --title "Konsultacja demonstracyjna: wskaż miejsca w partnerstwie" \
	  --controller "Demonstracja serwisu partnerstwa (odpowiedzi nie trafiają do żadnego urzędu)" \
	  --purpose "wypróbowanie geoankiety; odpowiedzi służą wyłącznie demonstracji" \
	  --closes 2099-12-31 --base-url http://$(HOST):$(PORT)

serve: venv
	$(BIN)/partnerstwa serve --host $(HOST) --port $(PORT)

demo: load serve

# Every executable and library the tests use (tests/test_provisioning.py keeps this true).
test-setup: venv
	scripts/provision_system.sh postgis browser gdal qgis documents

test: test-setup
	$(BIN)/python -m pytest

bench: venv
	scripts/provision_system.sh postgis gdal documents
	$(BIN)/python bench/load_boundaries.py
	$(BIN)/python bench/lisa.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/diagnosis.py
	$(BIN)/python bench/consultation.py
	$(BIN)/python bench/strategy.py
	$(BIN)/python bench/survey_import.py
	scripts/provision_system.sh browser
	$(BIN)/python bench/map_payload.py
	$(BIN)/python bench/natural_breaks.py
	$(BIN)/python bench/load.py

lint: venv
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) *.egg-info
