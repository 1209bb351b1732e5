#!/usr/bin/env bash
# Build the fuzz targets and run each for SECONDS (default 15) on its seed
# corpus, with the stable toolchain and without cargo-fuzz: the targets are
# compiled with the same coverage flags cargo-fuzz passes for
# `--sanitizer none`, and libfuzzer-sys links libFuzzer itself.
#
#   fuzz/run.sh                  # CI: 15 s per target, 1 minute in all
#   fuzz/run.sh 600              # the 10-minute runs of issue 11
#   fuzz/run.sh 600 scan_file    # one target
#
# New inputs go to a scratch copy of the corpus (the committed seeds stay
# small); a crash stops the run, prints the input's path and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-15}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_script split_chunks apply_script scan_file read_manifest)
host="$(rustc -vV | sed -n 's/^host: //p')"
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# --target: the flags apply to the targets, not to build scripts and proc macros.
cargo build --release --locked --target "$host" --target-dir "$target_dir" --bins
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for t in "${targets[@]}"; do
  mkdir -p "$work/$t" "$work/artifacts/$t"
  cp corpus/"$t"/* "$work/$t"/
  echo "fuzz: $t for ${secs}s"
  # -rss_limit_mb: the 50 MB bound of issue 11 leaves room; -timeout: a single input slower than 10 s is a hang.
  "$target_dir/$host/release/$t" "$work/$t" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/$t/" -print_final_stats=1 2>"$work/$t.log" || {
    tail -40 "$work/$t.log"
    mkdir -p artifacts && cp -r "$work/artifacts/$t" artifacts/
    echo "fuzz: $t found a failing input, kept in fuzz/artifacts/$t/" >&2
    exit 1
  }
  grep -E "^stat::number_of_executed_units|^Done" "$work/$t.log" | tr '\n' ' '
  echo
done
