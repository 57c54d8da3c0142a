#!/usr/bin/env bash
# Make sure Debian's chromium is installed: the HTML report's browser tests and bench_report
# drive it headless through playwright (never `playwright install`: no browser downloads).
# Quiet and idempotent: does nothing when chromium is already on PATH.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "ensure-chromium: chromium present at $(command -v chromium)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
else
  SUDO=""
fi
echo "ensure-chromium: chromium missing; installing the Debian package (apt-get install chromium)"
$SUDO apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium >/dev/null
echo "ensure-chromium: installed $(command -v chromium)"
