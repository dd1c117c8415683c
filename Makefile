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

.PHONY: demo test setup venv db load serve bench lint clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

venv: $(STAMP)

setup: venv
	scripts/provision_system.sh postgis

db: setup
	$(BIN)/partnerstwa db init

load: db
	$(BIN)/partnerstwa load reference
	$(BIN)/partnerstwa analyse lisa --indicator marginalisation_risk --year 2024 --seed 2024 --reuse
	$(BIN)/partnerstwa analyse lisa --indicator unemployed_per_1000 --year 2024 --seed 2024 --reuse
	$(BIN)/partnerstwa users demo

serve: venv
	$(BIN)/partnerstwa serve --host $(HOST) --port $(PORT)

demo: load serve

test: venv
	scripts/provision_system.sh postgis browser
	$(BIN)/python -m pytest

bench: venv
	scripts/provision_system.sh postgis gdal
	$(BIN)/python bench/load_boundaries.py
	$(BIN)/python bench/lisa.py
	$(BIN)/python bench/export.py
	scripts/provision_system.sh browser
	$(BIN)/python bench/map_payload.py
	$(BIN)/python -m pip install --quiet "locust>=2.20,<3"
	$(BIN)/python bench/load.py

lint: venv
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) *.egg-info
