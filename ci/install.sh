#!/usr/bin/env bash
# Install cargo-migsafe unless it is already on PATH: cargo binstall when the
# runner has it (a prebuilt binary), else cargo install from crates.io.
# MIGSAFE_VERSION pins a version (empty: the latest).
set -euo pipefail
if command -v cargo-migsafe >/dev/null 2>&1; then
  echo "cargo-migsafe $(cargo-migsafe migsafe --version | awk '{print $2}') is installed"
  exit 0
fi
version_arg=()
if [ -n "${MIGSAFE_VERSION:-}" ]; then version_arg=(--version "$MIGSAFE_VERSION"); fi
if command -v cargo-binstall >/dev/null 2>&1; then
  cargo binstall --no-confirm "${version_arg[@]}" cargo-migsafe
else
  cargo install --locked "${version_arg[@]}" cargo-migsafe
fi
