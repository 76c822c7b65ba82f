#!/usr/bin/env bash
# Debian packages the app and its tests need, installed with apt when missing.
#   fonts  (run.sh):  fonts-wqy-microhei — a TrueType CJK font for the meeting pack's PDF;
#                     without root it only warns: the app runs, the PDF button says what
#                     is missing.
#   test   (test.sh): also chromium for the browser tests, fonts-noto-cjk so Chinese renders
#                     in screenshots, poppler-utils (pdftoppm) to check the PDF; fails if
#                     they cannot be installed, so the browser tests never silently skip;
#                     postgresql-15-postgis-3 (PostgreSQL 15 with PostGIS) for the store tests,
#                     which start a throw-away cluster of their own (tests/pg_server.py).
set -euo pipefail
mode="${1:-test}"
missing=()
# Read the font list once: `fc-list | grep -q` would fail under pipefail when grep exits early.
fonts="$(fc-list 2>/dev/null || true)"
grep -qi "WenQuanYi Micro Hei" <<<"$fonts" || missing+=(fonts-wqy-microhei)
if [ "$mode" = test ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  grep -qi "Noto Sans CJK" <<<"$fonts" || missing+=(fonts-noto-cjk)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  [ -f /usr/share/postgresql/15/extension/postgis.control ] &&
    [ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15-postgis-3)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing ${missing[*]} with apt-get ..."
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo)
  else
    echo "Please install as root: apt-get install -y ${missing[*]}" >&2
    [ "$mode" = fonts ] && exit 0
    exit 1
  fi
fi
if ! { "${sudo_cmd[@]}" apt-get update -qq &&
       DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "apt-get could not install ${missing[*]}" >&2
  [ "$mode" = fonts ] && exit 0
  exit 1
fi
