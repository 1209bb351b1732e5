#!/usr/bin/env python3
"""Replay `cargo migsafe check` over the real history of a service.

For every commit C of a service's history that adds a migration (a `.sql`
file under a `*migrations*` folder, a diesel `up.sql`, a refinery/Flyway
`V<n>__<name>.sql`), with P = C's first parent, this script puts C in a
scratch work tree and runs, with NO configuration added to the service:

    cargo-migsafe migsafe check --base P --format json --manifest-path <manifest>

so N-1 is P (read by migsafe from git objects) and N is C (the work tree),
and the pending migrations are exactly the ones C adds.  Each replayed commit
becomes one JSON line (--out), and a summary table is printed at the end.

How the work trees are made (nothing is written to the source repository):
  * one scratch clone per worker, `git clone --shared --no-checkout SRC`
    (objects borrowed from SRC through git alternates, so a clone costs
    ~50 ms whatever the history's size; SRC may be a bare mirror);
  * by default that clone's single work tree is moved from commit to commit
    with `git checkout --force --detach C` + `git clean -ffdxq` (git only
    rewrites the files that differ, the fastest way through a history);
    `--fresh-worktree` instead makes a new `git worktree add --detach` per
    commit and removes it afterwards; `--sparse` checks out only what a
    Rust/SQL reader can need (*.rs, *.toml, *.sql, *.lock, *.json, .env);
  * a blob missing from the snapshot (mirrors lack files of 4 MiB and more)
    is left out of the work tree with a sparse-checkout rule and recorded
    under `skipped_paths`, instead of failing the commit;
  * the scratch directory is removed at the end, also on error, Ctrl-C
    (SIGINT), SIGTERM and SIGHUP; running checks are killed by process group.

The manifest: `--manifest-path` (relative to the repository root) or
`--subdir` (a folder holding Cargo.toml) when given; otherwise, per commit,
the top-most Cargo.toml found walking up from the folder of the migrations C
adds to the repository root (the workspace root, usually), else the root's.

Commits: first-parent history by default (a merged branch counts once, at
its merge, against the main line before it; --all-parents walks every
commit). A commit whose "added" migrations all have a blob its parent
already had only moved a folder: left out unless --include-moves. Root
commits are recorded as skipped.

The binary is copied into the scratch directory first, so that a rebuild
during the run cannot mix versions; its path, `--version` and sha256 go into
every line. The checks run with CARGO_NET_OFFLINE=true (unless --online),
NO_COLOR=1, and RUSTUP_TOOLCHAIN set to the active toolchain (a service's
rust-toolchain.toml must not make rustup download another, should migsafe
call cargo).

Each JSON line holds: service, repo, commit, parent, date, subject, added
(the new up-migrations), moved (when some only moved), binary, status
(replayed | timeout | skipped | git-error | harness-error, with reason),
manifest and manifest_source (given | auto), skipped_paths, exit_code (null
when the check timed out), timed_out, seconds (the check alone),
checkout_seconds, json (whether stdout parsed), verdict, base_ref, pending,
summary and coverage (as migsafe prints them), findings_total,
findings_by_rule ({rule: {severity: n}}), findings_by_severity, errors (every
error-level finding: index into migsafe's `findings`, rule, table, column,
migration "file:line", N-1 sites as {revision, file, line, item, access},
message), and stderr_head (first lines of stderr, scratch paths removed)
when the exit code is not 0/1 or stdout was not JSON. scripts/prove_error.py
takes such a line and an index into its `errors`.

Examples:
    scripts/replay.py /work/.mirror/LemmyNet+lemmy/repo --limit 20 \\
        --binary target/debug/cargo-migsafe --out /tmp/lemmy.jsonl
    scripts/replay.py /path/to/svix --list            # only list the commits
    scripts/replay.py --report /tmp/lemmy.jsonl /tmp/mas.jsonl   # tables again
    scripts/replay.py /work/.mirror/svix+svix-webhooks/repo -j 4 --sparse \
        --binary target/debug/cargo-migsafe --out /tmp/svix.jsonl

Exit status: 0 when every selected commit was replayed (whatever migsafe
said), 1 on a usage or git error, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path, PurePosixPath

# Added files that count as a new migration. Git pathspecs, `:(glob)` magic.
DEFAULT_GLOBS = [
    "**/*migrations*/**/*.sql",  # sqlx, diesel, refinery, dbmate, golang-migrate in a *migrations* folder
    "**/up.sql",                 # diesel with a migrations_directory of another name
    "**/V[0-9]*__*.sql",         # refinery / Flyway anywhere
]
# Added files that are NOT a migration to apply (undo scripts).
DOWN_RE = re.compile(r"(^|/)(down\.sql|[^/]*\.down\.sql|U\d+(_\d+)*__[^/]*\.sql|[^/]*\.undo\.sql)$", re.I)
MISSING_BLOB_RES = [
    re.compile(r"unable to read sha1 file of (.+?) \([0-9a-f]{7,}\)"),
    re.compile(r"invalid object [0-7]+ [0-9a-f]+ for '(.+?)'"),
]
STDERR_HEAD_LINES = 20
# --sparse: what a footprint/schema reader can need (Rust, manifests, SQL,
# sqlx's offline data, .env for DATABASE_URL); not front-end assets, docs, ...
SPARSE_PATTERNS = ["*.rs", "*.toml", "*.sql", "*.lock", "*.json", ".env*", "*.env", "migrations/", "**/migrations/"]


# --------------------------------------------------------------------------
# processes: every child runs in its own process group, so that one Ctrl-C
# (which we catch) can kill exactly what we started, and nothing else.

_live: set[subprocess.Popen] = set()
_live_lock = threading.Lock()
_stopping = threading.Event()


class Stop(Exception):
    """Raised in the main thread by SIGINT / SIGTERM / SIGHUP."""


def _on_signal(signum, _frame):
    _stopping.set()
    raise Stop(signal.Signals(signum).name)


def run(cmd, cwd=None, timeout=None, env=None, check=False, text=True):
    """Run `cmd` in its own process group; returns (rc, stdout, stderr,
    timed_out). On timeout, the whole group is killed."""
    if _stopping.is_set():
        raise Stop("stopping")
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True, text=text,
                         errors="replace" if text else None)
    with _live_lock:
        _live.add(p)
    timed_out = False
    try:
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(p)
            out, err = p.communicate()
        except BaseException:
            # interrupted (Ctrl-C, SIGTERM): the group must not outlive us
            _kill_group(p)
            p.wait()
            raise
    finally:
        with _live_lock:
            _live.discard(p)
    if check and (p.returncode != 0 or timed_out):
        raise GitError(f"{' '.join(map(str, cmd))} (in {cwd}): exit {p.returncode}: {(err or '').strip()[:2000]}")
    return p.returncode, out, err, timed_out


def _kill_group(p: subprocess.Popen):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_all_children():
    with _live_lock:
        procs = list(_live)
    for p in procs:
        _kill_group(p)


class GitError(Exception):
    pass


def git(repo, *args, timeout=600):
    return run(["git", "-C", str(repo), *args], timeout=timeout, check=True)[1]


# --------------------------------------------------------------------------
# finding the commits


def list_migration_commits(src, tip, since, globs, first_parent):
    """Every commit that adds an up-migration, newest first: dicts with
    commit, parent, date, subject, added (paths). Moves are not resolved here
    (see `mark_moves`)."""
    pathspecs = [g if g.startswith(":") else f":(glob){g}" for g in globs]
    rng = f"{since}..{tip}" if since else tip
    # --no-renames: a migration moved to another folder shows as added here;
    # mark_moves tells those apart by blob id.
    args = ["log", "--no-color", "-z", "--diff-filter=A", "--name-only", "--no-renames",
            "--diff-merges=first-parent", "--format=%x01%H %P%x02%cs%x02%s"]
    if first_parent:
        args.append("--first-parent")
    out = git(src, *args, rng, "--", *pathspecs)
    commits = []
    for chunk in out.split("\x01")[1:]:
        header, _, rest = chunk.partition("\x00")
        ids, date, subject = (header.split("\x02") + ["", ""])[:3]
        c, *parents = ids.split()
        names = [f.strip("\n") for f in rest.split("\x00")]
        ups = [f for f in names if f and not DOWN_RE.search(f)]
        if ups:
            commits.append({"commit": c, "parent": parents[0] if parents else None, "date": date,
                            "subject": subject, "added": ups})
    return commits


def mark_moves(src, c):
    """Keep in c["added"] only migrations whose content is new; a file whose
    blob the parent already had (under another path: a folder moved) goes to
    c["moved"]; c["moved_only"] when nothing new is left."""
    if "moved_only" in c or not c["parent"]:
        c.setdefault("moved_only", False)
        return c
    try:
        added = git(src, "ls-tree", "-r", c["commit"], "--", *c["added"])
        before = git(src, "ls-tree", "-r", c["parent"])
    except GitError:
        c["moved_only"] = False
        return c
    old_blobs = {ln.split()[2] for ln in before.splitlines() if ln.strip()}
    blob_of = {ln.split("\t", 1)[1]: ln.split()[2] for ln in added.splitlines() if "\t" in ln}
    new = [f for f in c["added"] if blob_of.get(f) not in old_blobs]
    moved = [f for f in c["added"] if f not in new]
    if moved:
        c["moved"] = moved
    c["added"] = new
    c["moved_only"] = not new
    return c


def select_commits(src, opts, globs):
    """The commits to replay, newest first, and how many only moved files."""
    commits = list_migration_commits(src, opts.tip, opts.since, globs, not opts.all_parents)
    if opts.commit:
        only = resolve_commits(src, opts.commit)
        missing = only - {c["commit"] for c in commits}
        if missing:
            raise GitError("these commits add no migration: " + ", ".join(sorted(m[:12] for m in missing)))
        commits = [c for c in commits if c["commit"] in only]
    chosen, moves = [], 0
    for c in commits:
        mark_moves(src, c)
        if c["moved_only"] and not opts.include_moves:
            moves += 1
            continue
        chosen.append(c)
        if opts.limit and len(chosen) >= opts.limit:
            break
    return chosen, moves


def resolve_commits(src, revs):
    out = []
    for r in revs:
        out.append(git(src, "rev-parse", "--verify", f"{r}^{{commit}}").strip())
    return set(out)


# --------------------------------------------------------------------------
# the manifest


def tree_files(repo, commit):
    out = git(repo, "ls-tree", "-r", "-z", "--name-only", "--full-tree", commit)
    return {f for f in out.split("\x00") if f}


def migrations_dir_of(path):
    """The migrations folder of an added migration file."""
    parts = PurePosixPath(path).parts
    # the shallowest folder named like migrations (a diesel migration may be
    # called `..._add_migration_utils` itself)
    for word in ("migrations", "migration"):
        for i in range(len(parts) - 1):
            if word in parts[i].lower():
                return "/".join(parts[: i + 1])
    # diesel up.sql outside a *migrations* folder: <dir>/<version>_<name>/up.sql
    if parts[-1].lower() == "up.sql" and len(parts) >= 2:
        return "/".join(parts[:-2])
    return "/".join(parts[:-1])


def detect_manifest(files, added):
    """Top-most Cargo.toml above the migrations folders C adds; else the
    root's; else the shallowest Cargo.toml of the tree."""
    candidates = []
    for f in added:
        d = PurePosixPath(migrations_dir_of(f))
        chain = [d, *d.parents]
        found = [str(p / "Cargo.toml").lstrip("./") if str(p) != "." else "Cargo.toml" for p in chain]
        found = [m for m in found if m in files]
        if found:
            candidates.append(found[-1])  # the top-most
    if candidates:
        return Counter(candidates).most_common(1)[0][0]
    if "Cargo.toml" in files:
        return "Cargo.toml"
    manifests = sorted((f for f in files if f.endswith("Cargo.toml") and f.split("/")[-1] == "Cargo.toml"),
                       key=lambda f: (f.count("/"), f))
    return manifests[0] if manifests else None


# --------------------------------------------------------------------------
# work trees


class Worker:
    """A scratch clone of the source, and the work tree commits are put in."""

    def __init__(self, src, scratch, idx, fresh, sparse=False):
        self.src, self.idx, self.fresh, self.sparse = src, idx, fresh, sparse
        self.clone = scratch / f"w{idx}"
        run(["git", "clone", "--quiet", "--shared", "--no-checkout", str(src), str(self.clone)], check=True)
        # keep the scratch clones quiet and cheap
        for k, v in [("gc.auto", "0"), ("core.untrackedCache", "true"), ("advice.detachedHead", "false"),
                     ("core.sparseCheckout", "false")]:
            git(self.clone, "config", k, v)
        self.excluded: list[str] = []
        self.seq = 0
        if sparse:
            self._apply_exclusions(self.clone)

    def _apply_exclusions(self, tree):
        pats = (SPARSE_PATTERNS if self.sparse else ["/*"]) + [f"!/{glob_escape(p)}" for p in self.excluded]
        # `set` also tries to update the work tree, which may still fail on
        # the very blob being excluded: its exit status is not telling.
        run(["git", "-C", str(tree), "sparse-checkout", "set", "--no-cone", *pats], timeout=600)

    def checkout(self, commit):
        """Put `commit` in a work tree; returns (path, skipped paths)."""
        if self.fresh:
            self.seq += 1
            tree = self.clone.parent / f"w{self.idx}-t{self.seq}"
            run(["git", "-C", str(self.clone), "worktree", "add", "--quiet", "--detach", "--no-checkout",
                 str(tree), commit], check=True)
        else:
            tree = self.clone
        if self.fresh and (self.excluded or self.sparse):
            self._apply_exclusions(tree)
        skipped = []
        for _attempt in range(50):
            rc, _out, err, _ = run(["git", "-C", str(tree), "checkout", "--quiet", "--force", "--detach", commit],
                                   timeout=600)
            if rc == 0:
                break
            missing = {m.group(1) for rx in MISSING_BLOB_RES for m in rx.finditer(err)}
            missing -= set(self.excluded)
            if not missing:
                raise GitError(f"git checkout {commit}: {err.strip()[:2000]}")
            skipped += sorted(missing)
            self.excluded += sorted(missing)
            self._apply_exclusions(tree)
        else:
            raise GitError(f"git checkout {commit}: too many missing blobs")
        if self.excluded and not skipped:
            # excluded earlier by this worker: still left out here, if present
            present = git(tree, "ls-tree", "-r", "--name-only", "--full-tree", commit, "--", *self.excluded)
            skipped = [p for p in present.splitlines() if p]
        run(["git", "-C", str(tree), "clean", "-ffdxq"], timeout=600, check=True)
        head = git(tree, "rev-parse", "HEAD").strip()
        if head != commit:
            raise GitError(f"work tree at {head}, expected {commit}")
        return tree, skipped

    def release(self, tree):
        if self.fresh and tree != self.clone:
            run(["git", "-C", str(self.clone), "worktree", "remove", "--force", str(tree)], timeout=600)
            shutil.rmtree(tree, ignore_errors=True)


def glob_escape(p):
    return re.sub(r"([\\*?\[\]!#])", r"\\\1", p)


# --------------------------------------------------------------------------
# one commit


def replay_one(worker, item, opts, env):
    rec = {"service": opts.name, "repo": str(opts.src), **{k: item[k] for k in ("commit", "parent", "date", "subject")},
           "added": item["added"], "binary": opts.binary_info}
    if item.get("moved"):
        rec["moved"] = item["moved"]
    if not item["parent"]:
        rec.update(status="skipped", reason="root commit: no N-1")
        return rec
    t0 = time.monotonic()
    tree = None
    try:
        tree, skipped = worker.checkout(item["commit"])
        rec["checkout_seconds"] = round(time.monotonic() - t0, 3)
        if skipped:
            rec["skipped_paths"] = skipped
        if opts.manifest_path:
            manifest, how = opts.manifest_path, "given"
        elif opts.subdir:
            manifest, how = str(PurePosixPath(opts.subdir) / "Cargo.toml"), "given"
        else:
            manifest, how = detect_manifest(tree_files(tree, "HEAD"), item["added"]), "auto"
        rec["manifest"], rec["manifest_source"] = manifest, how
        if not manifest or not (tree / manifest).is_file():
            rec.update(status="skipped", reason=f"no Cargo.toml ({manifest or 'none found'}) at this commit")
            return rec
        cmd = [opts.binary, "migsafe", "check", "--base", item["parent"], "--format", "json",
               "--manifest-path", str(tree / manifest), *opts.check_arg]
        cwd = (tree / manifest).parent
        t1 = time.monotonic()
        rc, out, err, timed_out = run(cmd, cwd=cwd, timeout=opts.timeout, env=env)
        rec["seconds"] = round(time.monotonic() - t1, 3)
        rec["exit_code"] = None if timed_out else rc
        rec["timed_out"] = timed_out
        rec["status"] = "timeout" if timed_out else "replayed"
        parse_output(rec, rc, out, err, tree)
    except GitError as e:
        rec.update(status="git-error", reason=str(e)[:4000])
    finally:
        if tree is not None:
            try:
                worker.release(tree)
            except Exception:  # noqa: BLE001 - cleanup must not hide the result
                pass
    return rec


def parse_output(rec, rc, out, err, tree):
    data = None
    text = (out or "").strip()
    if text:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            # tolerate a line of noise before the JSON document
            i = text.find("{")
            try:
                data = json.loads(text[i:]) if i >= 0 else None
            except json.JSONDecodeError:
                data = None
    if data is None or not isinstance(data, dict):
        rec["json"] = False
        if text:
            rec["stdout_head"] = text.splitlines()[:STDERR_HEAD_LINES]
    else:
        rec["json"] = True
        for k in ("verdict", "base_ref", "pending", "summary", "coverage"):
            if k in data:
                rec[k] = data[k]
        findings = data.get("findings") or []
        by_rule: dict = defaultdict(Counter)
        by_sev: Counter = Counter()
        errors = []
        for i, f in enumerate(findings):
            sev = f.get("severity", "?")
            by_rule[f.get("rule", "?")][sev] += 1
            by_sev[sev] += 1
            if sev == "error":
                mig = f.get("migration") or {}
                errors.append({
                    "index": i,
                    "rule": f.get("rule"),
                    "table": f.get("table"),
                    "column": f.get("column"),
                    "migration": f"{mig.get('file')}:{mig.get('line')}" if mig.get("file") else None,
                    "sites": [{k: s.get(k) for k in ("revision", "file", "line", "item", "access") if k in s}
                              for s in (f.get("sites") or []) if s.get("revision", "base") == "base"],
                    "message": f.get("message"),
                })
        rec["findings_total"] = len(findings)
        rec["findings_by_rule"] = {r: dict(c) for r, c in sorted(by_rule.items())}
        rec["findings_by_severity"] = dict(by_sev)
        rec["errors"] = errors
    if rc not in (0, 1) or data is None:
        # strip the scratch path so lines compare across runs
        lines = [ln.replace(str(tree) + "/", "").replace(str(tree), ".") for ln in (err or "").splitlines()]
        lines = [ln for ln in lines if not _is_git_noise(ln)]
        rec["stderr_head"] = lines[:STDERR_HEAD_LINES]


def _is_git_noise(line):
    return any(rx.search(line) for rx in MISSING_BLOB_RES)


# --------------------------------------------------------------------------
# summary


def first_error(rec):
    lines = rec.get("stderr_head") or []
    for ln in lines:
        if ln.startswith("error"):
            return ln
    return lines[0] if lines else "(no stderr)"


def summarize(records, out=sys.stdout, binary=None):
    by_service = defaultdict(list)
    for r in records:
        by_service[r.get("service", "?")].append(r)
    cols = ["service", "commits", "replayed", "exit0", "exit1", "exit2", "other", "timeout", "skipped",
            "N-1 seen/unseen", "N seen/unseen", "errors", "warnings", "s/commit mean", "median", "max"]
    rows = []
    details = []
    for svc, rs in sorted(by_service.items()):
        replayed = [r for r in rs if r.get("status") in ("replayed", "timeout")]
        codes = Counter(r.get("exit_code") for r in replayed if not r.get("timed_out"))
        seen = Counter()
        has_cov = any(r.get("coverage") or r.get("summary") for r in replayed)
        for r in replayed:
            cov = r.get("coverage") or {}
            for side in ("base", "head"):
                c = cov.get(side) or {}
                seen[side + "_seen"] += c.get("seen") or 0
                seen[side + "_unseen"] += c.get("unseen") or 0
            if not cov and r.get("summary"):  # older builds: only the summary's counts
                s = r["summary"]
                seen["base_seen"] += sum(s.get(k) or 0 for k in ("base_queries", "base_structs", "base_enums", "base_touches"))
                seen["head_seen"] += s.get("head_sites") or 0
        sev = Counter()
        rules = Counter()
        for r in replayed:
            sev.update(r.get("findings_by_severity") or {})
            for e in r.get("errors") or []:
                rules[e.get("rule")] += 1
        times = [r["seconds"] + r.get("checkout_seconds", 0) for r in replayed if "seconds" in r]
        rows.append([
            svc, len(rs), len(replayed), codes.get(0, 0), codes.get(1, 0), codes.get(2, 0),
            sum(n for c, n in codes.items() if c not in (0, 1, 2)),
            sum(1 for r in replayed if r.get("timed_out")),
            sum(1 for r in rs if r.get("status") in ("skipped", "git-error")),
            f"{seen['base_seen']}/{seen['base_unseen']}" if has_cov else "-",
            f"{seen['head_seen']}/{seen['head_unseen']}" if has_cov else "-",
            sev.get("error", 0), sev.get("warning", 0),
            f"{statistics.mean(times):.2f}" if times else "-",
            f"{statistics.median(times):.2f}" if times else "-",
            f"{max(times):.2f}" if times else "-",
        ])
        verdicts = Counter(r.get("verdict") for r in replayed if r.get("verdict"))
        exit2 = Counter(first_error(r)[:150] for r in replayed
                        if r.get("exit_code") not in (0, 1) and not r.get("timed_out"))
        details.append((svc, verdicts, rules, exit2))
    widths = [max(len(str(x)) for x in col) for col in zip(cols, *rows)]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths))
    print(line, file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)), file=out)
    for svc, verdicts, rules, exit2 in details:
        if verdicts:
            print(f"\n{svc}: verdicts " + ", ".join(f"{v} {n}" for v, n in verdicts.most_common()), file=out)
        if rules:
            print(f"{svc}: error findings by rule " + ", ".join(f"{k} {n}" for k, n in rules.most_common()), file=out)
        for msg, n in exit2.most_common(5):
            print(f"{svc}: exit≠0/1 ×{n}: {msg}", file=out)
    print("\n(seen/unseen: sums over the replayed commits of `coverage.base|head.seen|unseen`; "
          "s/commit: checkout + check)", file=out)


# --------------------------------------------------------------------------


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="replay.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("repo", nargs="?", help="clone or bare git directory of the service")
    ap.add_argument("--binary", default=None, help="the cargo-migsafe binary (default: `cargo-migsafe` on PATH)")
    ap.add_argument("--limit", type=int, default=0, help="replay only the newest N migration-adding commits")
    ap.add_argument("--since", metavar="REV", help="only commits after REV (REV..TIP)")
    ap.add_argument("--tip", metavar="REV", default="HEAD", help="walk history back from REV (default HEAD)")
    ap.add_argument("--commit", action="append", default=[], metavar="REV",
                    help="replay only this commit (repeatable); it must add a migration")
    ap.add_argument("--subdir", help="folder (relative to the repository root) holding the service's Cargo.toml")
    ap.add_argument("--manifest-path", help="the service's Cargo.toml, relative to the repository root "
                    "(default: detected per commit)")
    ap.add_argument("--migrations-glob", action="append", default=[], metavar="GLOB",
                    help="git glob pathspec of added files that count as migrations (repeatable; default: "
                    + ", ".join(DEFAULT_GLOBS) + "); down/undo scripts never count")
    ap.add_argument("--all-parents", action="store_true",
                    help="also walk commits of merged side branches (default: first-parent history only)")
    ap.add_argument("--include-moves", action="store_true",
                    help="also replay commits whose 'added' migrations only moved folder (skipped by default)")
    ap.add_argument("--out", metavar="FILE", help="write one JSON line per commit here")
    ap.add_argument("--append", action="store_true", help="append to --out instead of truncating it")
    ap.add_argument("--name", help="service name in the output (default: derived from the path)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per check (default 300)")
    ap.add_argument("--jobs", "-j", type=int, default=1, help="commits replayed at once (default 1)")
    ap.add_argument("--fresh-worktree", action="store_true",
                    help="a new `git worktree add` per commit instead of moving one work tree along")
    ap.add_argument("--sparse", action="store_true",
                    help="check out only " + " ".join(SPARSE_PATTERNS) + " (faster on repositories with big "
                    "front-ends; migsafe must not need other files)")
    ap.add_argument("--check-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for `check` (repeatable), e.g. --check-arg=--deny --check-arg=unseen")
    ap.add_argument("--online", action="store_true",
                    help="let cargo use the network if migsafe calls it (default: CARGO_NET_OFFLINE=true)")
    ap.add_argument("--scratch-dir", help="where the temporary clones go (default: the system temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory (for debugging)")
    ap.add_argument("--list", action="store_true", help="only list the migration-adding commits, newest first")
    ap.add_argument("--report", nargs="+", metavar="JSONL", help="print the summary of existing JSON-lines files")
    ap.add_argument("--quiet", "-q", action="store_true", help="no per-commit progress lines")
    opts = ap.parse_args(argv)
    if not opts.report and not opts.repo:
        ap.error("a repository path is required (or --report FILE...)")
    if opts.subdir and opts.manifest_path:
        ap.error("--subdir and --manifest-path exclude each other")
    return opts


def service_name(src: Path):
    p = src.resolve()
    if p.name in ("repo", ".git") or p.name.endswith(".git"):
        name = p.parent.name if p.name in ("repo", ".git") else p.name[:-4]
    else:
        name = p.name
    return name.replace("+", "/")


def main(argv=None):
    opts = parse_args(argv)
    if opts.report:
        recs = []
        for f in opts.report:
            with open(f) as fh:
                recs += [json.loads(line) for line in fh if line.strip()]
        summarize(recs)
        return 0

    src = Path(opts.repo).resolve()
    try:
        git(src, "rev-parse", "--git-dir")
    except GitError as e:
        print(f"replay: {src} is not a git repository: {e}", file=sys.stderr)
        return 1
    if run(["git", "-C", str(src), "rev-parse", "--is-shallow-repository"])[1].strip() == "true":
        print("replay: warning: shallow repository, old parents may be missing", file=sys.stderr)
    opts.src = src
    opts.name = opts.name or service_name(src)
    globs = opts.migrations_glob or DEFAULT_GLOBS

    try:
        commits, moves = select_commits(src, opts, globs)
    except GitError as e:
        print(f"replay: {e}", file=sys.stderr)
        return 1

    if opts.list:
        for c in commits:
            if opts.manifest_path or opts.subdir:
                manifest = opts.manifest_path or str(PurePosixPath(opts.subdir) / "Cargo.toml")
            else:
                manifest = detect_manifest(tree_files(src, c["commit"]), c["added"])
            dirs = sorted({migrations_dir_of(f) for f in c["added"]})
            print(f"{c['commit'][:12]} {c['date']} {len(c['added']):3d} added in {','.join(dirs)}  "
                  f"manifest {manifest}  {c['subject'][:60]}")
        print(f"{len(commits)} commits add migrations"
              + (f" ({moves} more only move migration files: left out)" if moves else ""),
              file=sys.stderr)
        return 0

    binary = opts.binary or shutil.which("cargo-migsafe")
    if not binary or not (Path(binary).is_file() or shutil.which(binary)):
        print("replay: no cargo-migsafe binary (give --binary PATH)", file=sys.stderr)
        return 1
    opts.binary = str(Path(binary).resolve()) if Path(binary).is_file() else shutil.which(binary)

    env = dict(os.environ, NO_COLOR="1", CARGO_TERM_COLOR="never", GIT_TERMINAL_PROMPT="0")
    if not opts.online:
        env["CARGO_NET_OFFLINE"] = "true"
    # A service's rust-toolchain.toml would make rustup install its pinned
    # toolchain if migsafe ran cargo: pin the one we have instead.
    if "RUSTUP_TOOLCHAIN" not in env and shutil.which("rustup"):
        rc, tc, _, _ = run(["rustup", "show", "active-toolchain"], cwd=tempfile.gettempdir(), timeout=30)
        if rc == 0 and tc.strip():
            env["RUSTUP_TOOLCHAIN"] = tc.split()[0]

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _on_signal)

    scratch = Path(tempfile.mkdtemp(prefix="migsafe-replay-", dir=opts.scratch_dir))
    out_fh = open(opts.out, "a" if opts.append else "w") if opts.out else None
    records = []
    interrupted = False
    pool = None
    t_start = time.monotonic()
    print(f"replay: {opts.name}: {len(commits)} commits to replay ({src}); scratch {scratch}", file=sys.stderr)
    try:
        # a copy of the binary, so that a rebuild during the run does not mix versions
        frozen = scratch / "cargo-migsafe"
        shutil.copy2(opts.binary, frozen)
        digest = hashlib.sha256(frozen.read_bytes()).hexdigest()[:16]
        rc, ver, _, _ = run([str(frozen), "migsafe", "--version"], timeout=60)
        opts.binary_info = {"path": opts.binary, "sha256": digest, "version": ver.strip() if rc == 0 else None}
        opts.binary = str(frozen)
        print(f"replay: binary {opts.binary_info['path']} ({opts.binary_info['version']}, sha256 {digest})",
              file=sys.stderr)
        jobs = max(1, min(opts.jobs, len(commits) or 1))
        workers = [Worker(src, scratch, i, opts.fresh_worktree, opts.sparse) for i in range(jobs)]
        free = list(workers)
        free_lock = threading.Lock()

        def task(item):
            with free_lock:
                w = free.pop()
            try:
                return replay_one(w, item, opts, env)
            finally:
                with free_lock:
                    free.append(w)

        pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
        futures = {pool.submit(task, c): c for c in commits}
        done_n = 0
        for fut in concurrent.futures.as_completed(futures):
            try:
                rec = fut.result()
            except Stop:
                continue
            except Exception as e:  # noqa: BLE001 - one commit's failure must not stop the run
                c = futures[fut]
                rec = {"service": opts.name, "repo": str(src), "commit": c["commit"], "parent": c["parent"],
                       "status": "harness-error", "reason": repr(e)[:2000]}
            records.append(rec)
            done_n += 1
            if out_fh:
                out_fh.write(json.dumps(rec, sort_keys=True) + "\n")
                out_fh.flush()
            if not opts.quiet:
                errs = len(rec.get("errors") or [])
                print(f"[{done_n}/{len(commits)}] {rec['commit'][:10]} {rec.get('date', '')} "
                      f"exit={rec.get('exit_code', '-')} {rec.get('status')} {rec.get('verdict', '')} "
                      f"errors={errs} check={rec.get('seconds', '-')}s checkout={rec.get('checkout_seconds', '-')}s "
                      f"{(rec.get('stderr_head') or [''])[0][:100] if rec.get('exit_code') not in (0, 1) else ''}"
                      f"{rec.get('reason', '')[:100]}",
                      file=sys.stderr)
    except (Stop, KeyboardInterrupt) as e:
        interrupted = True
        print(f"\nreplay: interrupted ({e}); cleaning up", file=sys.stderr)
    finally:
        _stopping.set()
        # from here on, a second Ctrl-C must not cut the cleanup short
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        kill_all_children()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        kill_all_children()
        if out_fh:
            out_fh.close()
        if opts.keep:
            print(f"replay: scratch kept at {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_DFL)
    wall = time.monotonic() - t_start
    print(f"\nbinary: {getattr(opts, 'binary_info', {}).get('path', opts.binary)}    wall time: {wall:.1f}s for {len(records)} commits"
          + (f" ({wall / len(records):.2f}s each with {opts.jobs} job(s))" if records else ""))
    summarize(records)
    return 130 if interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
