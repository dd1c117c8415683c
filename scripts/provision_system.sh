#!/usr/bin/env bash
# Installs the Debian packages partnerstwa needs, only where missing (idempotent: when every
# package of the asked components is installed, nothing is updated or installed).
# Usage: scripts/provision_system.sh COMPONENT...
#   make demo: postgis documents           make test: postgis browser gdal qgis documents
#   make bench: postgis gdal documents browser      Dockerfile: documents
#   make venv: python (only when the interpreter cannot create a virtualenv)
#
# The tables below are the one list of what each component installs and which executables
# and Python modules it serves; tests/test_provisioning.py reads them and fails when a test,
# bench or service runs an executable (or imports a module) that no component provisioned by
# the matching make target provides.
set -euo pipefail

# Debian packages of each component (postgis adds postgresql-<major>-postgis-3 per installed
# PostgreSQL major, and PostgreSQL itself when none is installed).
declare -A PACKAGES=(
  [python]="python3 python3-venv"
  [postgis]="postgresql-common"
  [browser]="chromium"
  [gdal]="gdal-bin"
  # Headless QGIS in Debian's own Python (the test that opens our exports and OGC API in QGIS).
  [qgis]="python3-qgis qgis-providers"
  # WeasyPrint's system libraries (its documented pip install on Debian: GLib, Pango with
  # FreeType, HarfBuzz with subsetting, Fontconfig), fonts with Polish letters, and poppler
  # for checking the PDFs we write.
  [documents]="libglib2.0-0 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 shared-mime-info fonts-dejavu-core fonts-liberation poppler-utils"
)

# Executables each component provides (names on PATH or absolute paths); checked after install.
declare -A PROVIDES=(
  [python]="python3"
  [postgis]="psql pg_isready pg_ctlcluster"
  [browser]="chromium /usr/bin/chromium"
  [gdal]="ogrinfo ogr2ogr"
  [qgis]="/usr/bin/python3"
  [documents]="pdftotext pdftoppm pdfinfo pdfimages"
)

# Python modules that load a component's libraries at import time.
declare -A MODULES=(
  [documents]="weasyprint"
)

say() { printf 'provision: %s\n' "$*" >&2; }
installed() { [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]; }

url="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/partnerstwa}"
host=$(printf '%s' "$url" | sed -E 's#^[a-z+0-9]+://([^@/]*@)?(\[[^]]*\]|[^:/?]*).*#\2#')
local_db() { [[ "$host" == "127.0.0.1" || "$host" == "localhost" || "$host" == "" ]]; }
if [[ $(id -u) -eq 0 ]]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else sudo=none; fi

asked=()
for what in "$@"; do
  [[ -v "PACKAGES[$what]" ]] || { say "unknown component: $what (known: ${!PACKAGES[*]})"; exit 2; }
  if [[ "$what" == postgis ]] && ! local_db; then
    say "DATABASE_URL points at $host: PostGIS must be installed on that server"
    continue
  fi
  asked+=("$what")
done

# The packages of the asked components that dpkg does not hold as installed.
missing_packages() {
  local what p majors
  local -a packages
  for what in "${asked[@]}"; do
    packages=(${PACKAGES[$what]})
    if [[ "$what" == postgis ]]; then
      majors=$(ls /usr/lib/postgresql 2>/dev/null | sort -n || true)
      # No server yet: install Debian's default one; its PostGIS is added in the next pass.
      [[ -n "$majors" ]] || packages+=(postgresql postgresql-contrib)
      for v in $majors; do packages+=("postgresql-$v-postgis-3"); done
    fi
    for p in "${packages[@]}"; do installed "$p" || printf '%s\n' "$p"; done
  done
}

updated=no
for pass in 1 2; do
  mapfile -t wanted < <(missing_packages | sort -u)
  ((${#wanted[@]})) || break
  if [[ "$sudo" == none ]]; then
    say "missing packages: ${wanted[*]}; install them as root: apt-get install -y ${wanted[*]}"
    exit 1
  fi
  say "installing ${wanted[*]}"
  [[ $updated == yes ]] || $sudo apt-get update -qq
  updated=yes
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${wanted[@]}" >/dev/null
done

# What the callers actually run must be there now, whatever the package database says.
absent=()
for what in "${asked[@]}"; do
  for exe in ${PROVIDES[$what]:-}; do command -v "$exe" >/dev/null || absent+=("$exe ($what)"); done
done
if ((${#absent[@]})); then
  say "still missing after provisioning: ${absent[*]}"
  exit 1
fi

# Start the local cluster if it is installed but not running (e.g. after a reboot).
if [[ " ${asked[*]} " == *" postgis "* ]] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  [[ "$sudo" != none ]] || sudo=""
  for v in $(ls /usr/lib/postgresql); do
    say "starting PostgreSQL $v"
    $sudo pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
  done
fi
