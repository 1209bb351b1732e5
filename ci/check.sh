#!/usr/bin/env bash
# Run `cargo migsafe check` the way CI wants it: annotations on the change
# (MIGSAFE_FORMAT: github or gitlab), a report file for the platform
# (MIGSAFE_REPORT: a SARIF file for GitHub code scanning, or GitLab's code
# quality JSON), and the human report in the log. Exits with the check's
# status: 0 safe or unproven, 1 an error finding, 2 the check could not be made.
#
#   MIGSAFE_BASE       the revision N-1 runs (empty: the tool's default, the
#                      merge-base with the default branch)
#   MIGSAFE_MANIFEST   path to Cargo.toml (empty: the current directory's)
#   MIGSAFE_ARGS       more arguments (e.g. --deny unseen)
#   MIGSAFE_FORMAT     github | gitlab
#   MIGSAFE_REPORT     where to write the SARIF (github) or code quality (gitlab) report
set -uo pipefail
args=(migsafe check)
if [ -n "${MIGSAFE_BASE:-}" ]; then
  # A shallow clone may lack the base: fetch that one commit (cheap) before giving up.
  if ! git rev-parse --verify --quiet "${MIGSAFE_BASE}^{commit}" >/dev/null; then
    if git fetch --no-tags --depth=1 origin "${MIGSAFE_BASE#origin/}" >/dev/null 2>&1; then MIGSAFE_BASE=FETCH_HEAD; fi
  fi
  args+=(--base "$MIGSAFE_BASE")
fi
if [ -n "${MIGSAFE_MANIFEST:-}" ]; then args+=(--manifest-path "$MIGSAFE_MANIFEST"); fi
# shellcheck disable=SC2206
extra=(${MIGSAFE_ARGS:-})
format="${MIGSAFE_FORMAT:-github}"
report="${MIGSAFE_REPORT:-}"
if [ -n "$report" ]; then
  case "$format" in
    github) cargo-migsafe "${args[@]}" "${extra[@]}" --format sarif >"$report" ;;
    gitlab) cargo-migsafe "${args[@]}" "${extra[@]}" --format gitlab >"$report" ;;
  esac
fi
cargo-migsafe "${args[@]}" "${extra[@]}" --format human --color never
status=$?
if [ "$format" = github ]; then
  cargo-migsafe "${args[@]}" "${extra[@]}" --format github
fi
exit "$status"
