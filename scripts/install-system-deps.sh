#!/usr/bin/env bash
# Installs the system packages the tests and benchmarks need on Debian 12:
#   - chromium (browser tests, via Playwright with executablePath=/usr/bin/chromium)
#   - ceph-mon, ceph-osd, radosgw, ceph-common (a real S3 that checks signatures: test/support/rgw.ts)
#   - curl (the benchmark's baseline: bench/lib/curl.ts)
#   - firefox-esr (Firefox, driven over WebDriver BiDi by puppeteer-core) and
#     webkit2gtk-driver + xvfb + xauth (WebKit: WebKitWebDriver and MiniBrowser under Xvfb):
#     the end-to-end scenarios in every engine (test/integration/engines.test.ts)
# Idempotent: installs only what is missing and runs `apt-get update` only when something must be installed.
# Needs root. Usage: sudo bash scripts/install-system-deps.sh
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

fail() {
  echo "install-system-deps: error: $*" >&2
  exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
  fail "apt-get not found: this script supports Debian (12) only; install chromium and Ceph 16 (ceph-mon ceph-osd radosgw ceph-common) yourself"
fi

if [ "$(id -u)" -ne 0 ]; then
  fail "must run as root (try: sudo bash $0)"
fi

packages=()

if [ -x /usr/bin/chromium ]; then
  echo "install-system-deps: chromium already installed (/usr/bin/chromium)"
else
  echo "install-system-deps: chromium missing, will install: chromium"
  packages+=(chromium)
fi

if command -v radosgw >/dev/null 2>&1 && command -v ceph-mon >/dev/null 2>&1 \
  && command -v ceph-osd >/dev/null 2>&1 && command -v radosgw-admin >/dev/null 2>&1 \
  && command -v ceph >/dev/null 2>&1; then
  echo "install-system-deps: ceph already installed ($(command -v radosgw))"
else
  echo "install-system-deps: ceph missing, will install: ceph-mon ceph-osd radosgw ceph-common"
  packages+=(ceph-mon ceph-osd radosgw ceph-common)
fi

if [ -x /usr/bin/firefox-esr ]; then
  echo "install-system-deps: firefox-esr already installed"
else
  echo "install-system-deps: firefox-esr missing, will install: firefox-esr"
  packages+=(firefox-esr)
fi

if command -v WebKitWebDriver >/dev/null 2>&1 && command -v xvfb-run >/dev/null 2>&1 && command -v xauth >/dev/null 2>&1; then
  echo "install-system-deps: WebKitWebDriver and Xvfb already installed"
else
  echo "install-system-deps: WebKit driver or Xvfb missing, will install: webkit2gtk-driver xvfb xauth"
  packages+=(webkit2gtk-driver xvfb xauth)
fi

if command -v curl >/dev/null 2>&1; then
  echo "install-system-deps: curl already installed"
else
  echo "install-system-deps: curl missing, will install: curl"
  packages+=(curl)
fi

if [ "${#packages[@]}" -eq 0 ]; then
  echo "install-system-deps: nothing to install"
  exit 0
fi

log="$(mktemp -t install-system-deps.XXXXXX.log)"

echo "install-system-deps: apt-get update"
if ! apt-get update -q >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  fail "apt-get update failed (full log: $log)"
fi

echo "install-system-deps: apt-get install --no-install-recommends ${packages[*]}"
if ! apt-get install -y -q --no-install-recommends "${packages[@]}" >>"$log" 2>&1; then
  tail -n 20 "$log" >&2
  fail "apt-get install ${packages[*]} failed (full log: $log)"
fi

for bin in "${packages[@]}"; do
  case "$bin" in
    chromium) [ -x /usr/bin/chromium ] || fail "chromium installed but /usr/bin/chromium is missing" ;;
    radosgw | ceph-mon | ceph-osd) command -v "$bin" >/dev/null 2>&1 || fail "$bin installed but not on PATH" ;;
    firefox-esr) [ -x /usr/bin/firefox-esr ] || fail "firefox-esr installed but /usr/bin/firefox-esr is missing" ;;
    webkit2gtk-driver) command -v WebKitWebDriver >/dev/null 2>&1 || fail "webkit2gtk-driver installed but WebKitWebDriver is not on PATH" ;;
  esac
done

rm -f "$log"
echo "install-system-deps: done"
