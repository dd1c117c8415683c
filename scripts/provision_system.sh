#!/usr/bin/env bash
# Installs the system packages partnerstwa needs, only where missing (idempotent):
#   postgis  PostGIS for the local PostgreSQL server (when DATABASE_URL points at this machine)
#   browser  Debian's Chromium, for the browser tests
#   gdal     ogr2ogr, the baseline of the benchmarks
# Usage: scripts/provision_system.sh postgis [browser] [gdal]
set -euo pipefail

say() { printf 'provision: %s\n' "$*" >&2; }

url="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/partnerstwa}"
host=$(printf '%s' "$url" | sed -E 's#^[a-z+0-9]+://([^@/]*@)?(\[[^]]*\]|[^:/?]*).*#\2#')

wanted=()
for what in "$@"; do
  case "$what" in
    postgis)
      if [[ "$host" != "127.0.0.1" && "$host" != "localhost" && "$host" != "" ]]; then
        say "DATABASE_URL points at $host: PostGIS must be installed on that server"
        continue
      fi
      majors=$(ls /usr/lib/postgresql 2>/dev/null | sort -n || true)
      if [[ -z "$majors" ]]; then
        wanted+=(postgresql postgresql-contrib)
        majors=15
      fi
      for v in $majors; do
        dpkg -s "postgresql-$v-postgis-3" >/dev/null 2>&1 || wanted+=("postgresql-$v-postgis-3")
      done
      ;;
    browser) command -v chromium >/dev/null || wanted+=(chromium chromium-driver) ;;
    gdal) command -v ogr2ogr >/dev/null || wanted+=(gdal-bin) ;;
    *) say "unknown component: $what"; exit 2 ;;
  esac
done

if ((${#wanted[@]})); then
  if [[ $(id -u) -eq 0 ]]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    say "missing packages: ${wanted[*]}; install them as root: apt-get install -y ${wanted[*]}"
    exit 1
  fi
  say "installing ${wanted[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${wanted[@]}" >/dev/null
fi

# Start the local cluster if it is installed but not running (e.g. after a reboot).
if [[ " $* " == *" postgis "* && ( "$host" == "127.0.0.1" || "$host" == "localhost" ) ]]; then
  if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    for v in $(ls /usr/lib/postgresql); do
      say "starting PostgreSQL $v"
      ${sudo:-} pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    done
  fi
fi
