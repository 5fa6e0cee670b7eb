#!/usr/bin/env bash
# Checks deploy/patchscan.service with systemd-analyze: `verify` must print nothing, and the exposure score of
# `security` must be at most 2.0 ("OK"). systemd 252 exits 0 from `verify` on unknown keys and unparsable values,
# so any output counts as a failure.
set -euo pipefail
unit="$(cd "$(dirname "$0")" && pwd)/patchscan.service"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# verify insists that ExecStart= binaries exist: check a copy whose patchscan path points at an empty executable.
install -m 0755 /dev/null "$work/patchscan"
sed "s|/usr/local/bin/patchscan|$work/patchscan|g" "$unit" > "$work/patchscan.service"
if ! output="$(systemd-analyze verify "$work/patchscan.service" 2>&1)" || [[ -n "$output" ]]; then
    printf '%s\n' "$output" >&2
    echo "systemd-analyze verify rejected $unit" >&2
    exit 1
fi
echo "systemd-analyze verify: $unit OK"

# --threshold is in tenths: 20 means an exposure of 2.0.
if ! report="$(systemd-analyze security --offline=true --threshold=20 "$unit")"; then
    printf '%s\n' "$report" | grep -E '^✗|Overall' >&2
    echo "systemd-analyze security: $unit is exposed above 2.0; restore the hardening settings" >&2
    exit 1
fi
printf '%s\n' "$report" | tail -n 1
