#!/usr/bin/env bash
# Builds a two-commit history from examples/rollback/v1 (N-1, release 2.3) and
# v2 (N, release 2.4) in a temporary folder and runs `cargo migsafe check` on it.
# Exits 0 when migsafe catches what it should (the change is not
# rollback-safe); any other outcome is a failure of this demo. With
# MIGSAFE_DEMO_REHEARSE=<server URL> it then runs `cargo migsafe rehearse`,
# which builds both releases and runs 2.3's tests on 2.4's schema.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
# An installed cargo-migsafe (cargo install / binstall) is used when there is
# one; otherwise, or with MIGSAFE_DEMO_BUILD=1, this checkout's is built.
if command -v cargo-migsafe >/dev/null 2>&1 && [ -z "${MIGSAFE_DEMO_BUILD:-}" ]; then
  bin_dir="$(dirname "$(command -v cargo-migsafe)")"
  echo "(using the installed $(cargo-migsafe migsafe --version); MIGSAFE_DEMO_BUILD=1 builds this checkout's)"
else
  cargo build -q --manifest-path "$root/Cargo.toml" -p cargo-migsafe
  bin_dir="${CARGO_TARGET_DIR:-$root/target}/debug"
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/migsafe-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT

place() { # copy a release into the work tree, pointing it at this checkout's runtime
  find "$work" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
  cp -R "$here/rollback/$1/." "$work/"
  sed -i.bak "s#MIGSAFE_RUNTIME_PATH#$root/migsafe-runtime#" "$work/Cargo.toml" && rm -f "$work/Cargo.toml.bak"
}
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.invalid GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.invalid
git -C "$work" init -q -b main
place v1; git -C "$work" add -A; git -C "$work" commit -q -m "checkout 2.3 (N-1)"
place v2; git -C "$work" add -A; git -C "$work" commit -q -m "checkout 2.4 (N)"

echo "\$ cargo migsafe check --base HEAD~1     # in a repository whose last commit is checkout 2.4"
status=0
(cd "$work" && PATH="$bin_dir:$PATH" cargo migsafe check --base HEAD~1 --color "${MIGSAFE_COLOR:-auto}") || status=$?
echo
if [ "$status" -eq 1 ]; then
  echo "migsafe exited 1: rolling back from 2.4 to 2.3 would break 2.3 (see the errors above)."
  # The drill, opt-in (it builds and runs both releases' tests): with a
  # PostgreSQL server URL, 2.3's own tests run on 2.4's schema.
  if [ -n "${MIGSAFE_DEMO_REHEARSE:-}" ]; then
    echo
    echo "\$ cargo migsafe rehearse --base HEAD~1 --database-url $MIGSAFE_DEMO_REHEARSE"
    rstatus=0
    (cd "$work" && PATH="$bin_dir:$PATH" cargo migsafe rehearse --base HEAD~1 --database-url "$MIGSAFE_DEMO_REHEARSE") || rstatus=$?
    if [ "$rstatus" -ne 1 ]; then
      echo "unexpected: rehearse exited $rstatus" >&2
      exit 1
    fi
  fi
  exit 0
fi
echo "unexpected: migsafe exited $status" >&2
exit 1
