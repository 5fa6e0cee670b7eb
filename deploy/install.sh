#!/usr/bin/env bash
# Installs patchscan as a systemd service: the binary, the unit and (only if absent) an example configuration.
# Idempotent: files that already match are left alone, the operator's configuration and secret are never touched,
# and every action is printed. See docs/systemd.md.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: deploy/install.sh [--no-build] [--binary PATH] [--prefix DIR] [--destdir DIR]

  --no-build     install the existing .build/release/patchscan instead of running `swift build -c release`
  --binary PATH  install this prebuilt binary (implies --no-build)
  --prefix DIR   where the binary goes: DIR/bin/patchscan (default /usr/local); the unit is rewritten to match
  --destdir DIR  stage every file under DIR instead of / (default: $DESTDIR); systemctl is not called

Build as yourself, then install as root:  swift build -c release && sudo deploy/install.sh --no-build
USAGE
}

root="$(cd "$(dirname "$0")/.." && pwd)"
build=yes
binary="$root/.build/release/patchscan"
prefix=/usr/local
destdir="${DESTDIR:-}"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=no ;;
        --binary) binary="${2:?--binary needs a path}"; build=no; shift ;;
        --prefix) prefix="${2:?--prefix needs a directory}"; shift ;;
        --destdir) destdir="${2:?--destdir needs a directory}"; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "install.sh: unknown argument '$1'" >&2; usage >&2; exit 64 ;;
    esac
    shift
done
prefix="${prefix%/}"
destdir="${destdir%/}"

if [[ -z "$destdir" && "$(id -u)" -ne 0 ]]; then
    echo "install.sh: run as root to install into /, or pass --destdir DIR to stage the files" >&2
    exit 1
fi

say() { printf 'install.sh: %s\n' "$*"; }

# install_file MODE SOURCE TARGET: installs SOURCE as TARGET unless TARGET already has that content and mode.
# Sets `changed` to yes or no.
install_file() {
    local mode="$1" source="$2" target="$3"
    if [[ -f "$target" ]] && cmp -s "$source" "$target" && [[ "$(stat -c %a "$target")" == "${mode#0}" ]]; then
        changed=no
        say "unchanged $target"
    else
        install -m "$mode" "$source" "$target"
        changed=yes
        say "installed $target (mode $mode)"
    fi
}

make_directory() {
    if [[ ! -d "$1" ]]; then
        install -d -m 0755 "$1"
        say "created $1"
    fi
}

if [[ "$build" == yes ]]; then
    say "building: swift build -c release --product patchscan (in $root)"
    (cd "$root" && swift build -c release --product patchscan)
fi
if [[ ! -x "$binary" ]]; then
    echo "install.sh: no executable at $binary; build it (swift build -c release) or pass --binary PATH" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bin_dir="$destdir$prefix/bin"
unit_dir="$destdir/etc/systemd/system"
config_dir="$destdir/etc/patchscan"
make_directory "$bin_dir"
make_directory "$unit_dir"
make_directory "$config_dir"

install_file 0755 "$binary" "$bin_dir/patchscan"
binary_changed="$changed"

sed "s|/usr/local/bin/patchscan|$prefix/bin/patchscan|g" "$root/deploy/patchscan.service" > "$work/patchscan.service"
install_file 0644 "$work/patchscan.service" "$unit_dir/patchscan.service"
unit_changed="$changed"

config="$config_dir/patchscan.yaml"
if [[ -e "$config" ]]; then
    say "kept $config (never overwritten)"
else
    install -m 0644 "$root/deploy/patchscan.yaml" "$config"
    say "installed example $config: replace its placeholders, then run: $prefix/bin/patchscan check-config --config /etc/patchscan/patchscan.yaml"
fi

secret="$config_dir/client-secret"
if [[ ! -e "$secret" ]]; then
    say "no client secret yet: write it to /etc/patchscan/client-secret, readable by root only, for example"
    say "    sudo sh -c 'umask 077 && cat > /etc/patchscan/client-secret'   (paste the secret, then Ctrl-D)"
elif [[ "$(stat -c %a "$secret")" != 600 && "$(stat -c %a "$secret")" != 400 ]]; then
    say "warning: $secret is mode $(stat -c %a "$secret"); make it root-only: chmod 0600 /etc/patchscan/client-secret"
else
    say "kept $secret"
fi

if [[ -n "$destdir" ]]; then
    say "skipped systemctl: staging into $destdir"
elif [[ ! -d /run/systemd/system ]] || ! command -v systemctl >/dev/null; then
    say "skipped systemctl daemon-reload: systemd is not running on this machine"
else
    if [[ "$unit_changed" == yes ]]; then
        systemctl daemon-reload
        say "ran systemctl daemon-reload"
    fi
    if systemctl is-active --quiet patchscan.service; then
        if [[ "$binary_changed" == yes || "$unit_changed" == yes ]]; then
            say "patchscan is running the old version: systemctl restart patchscan"
        fi
    else
        say "start it with: systemctl enable --now patchscan"
    fi
fi
