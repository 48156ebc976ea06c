#!/usr/bin/env bash
# Install the system packages the test suite drives (PostgreSQL 15 server, Debian chromium) when
# they are missing. Tests start the servers themselves, in temporary directories.
# Without root (a user's laptop) it only reports what is missing; those tests then skip with a reason.
set -euo pipefail

need=()
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "test-services: missing ${need[*]} (not root, not installing); their tests will skip" >&2
  exit 0
fi
echo "test-services: installing ${need[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
