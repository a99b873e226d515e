#!/usr/bin/env bash
# Debian packages the application and its tests need: gettext (the Dutch catalog),
# Chromium (browser tests), Pango (PDF rendering by WeasyPrint), a font, Node and npm
# (axe-core for the accessibility tests), the PostgreSQL client (CI: psql, and pg_dump and
# pg_restore for the backup round trip in tests/test_backup_restore.py). Installs only what is
# missing, and only as root; otherwise says what to do.
set -euo pipefail
need=()
command -v msgfmt >/dev/null || need+=(gettext)
[ -x /usr/bin/chromium ] || need+=(chromium)
ldconfig -p | grep -q "libpango-1.0.so.0" || need+=(libpango-1.0-0)
ldconfig -p | grep -q "libpangoft2-1.0.so.0" || need+=(libpangoft2-1.0-0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
ldconfig -p | grep -q "libharfbuzz-subset.so.0" || need+=(libharfbuzz-subset0)
# Node and npm install axe-core for the accessibility tests (`npm ci`, see the Makefile).
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ "${1:-}" = "--ci" ]; then
  { command -v psql && command -v pg_dump && command -v pg_restore; } >/dev/null \
    || need+=(postgresql-client)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]}. Install them: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
