#!/usr/bin/env python3
"""Prove (or refute) on a real database that N-1's query breaks after a commit's migrations.

migsafe says "N-1 fails on the new schema". This script asks the database:
it creates a scratch database on the local server, applies the migrations
of commit C (N) in the order the service's migration tool applies them, then
PREPAREs N-1's query there and prints whether it fails, with the database's
own error message. The scratch database is always dropped afterwards (also
on error and on Ctrl-C / SIGTERM).

Two ways to say what to check:

  # a query of your own
  prove_error.py --repo /work/.mirror/svix+svix-webhooks/repo --commit C \\
      --dialect postgres --query "SELECT payload FROM message WHERE id = \\$1"

  # an error finding recorded by scripts/replay.py (one JSON line per commit)
  prove_error.py --jsonl /tmp/svix.jsonl --commit C --finding 0
  prove_error.py --jsonl /tmp/svix.jsonl --line 3 --finding 1 --site 0

With --jsonl, the repository, C and its parent P come from the line, and the
migrations folder from the finding's migration file. N-1's query text is
taken, in this order (--query-source): from `cargo-migsafe migsafe footprint
--format json` run on a scratch checkout of P (the `decl.sql` of the site at
the finding's file:line, when the binary reads that code); else from the
source of P at the site's file:line (the first SQL string literal there, raw
or not, or the file a `query_file!` names); else a probe built from the
finding, `SELECT <column> FROM <table>`, which proves the column or table
is gone but not that N-1's exact statement fails.

Order of the migrations (only up scripts are applied):
  diesel     <dir>/<version>_<name>/up.sql, by version: the folder's prefix
             without its dashes, compared as a string, as diesel does
  sqlx       <dir>/<version>_<name>.sql or .up.sql, by numeric version
  refinery / Flyway  V<n>__<name>.sql by version (numbers split on _ and .)
  golang-migrate     <n>_<name>.up.sql, by n
  dbmate     <version>_<name>.sql, the `-- migrate:up` part only
Each is applied as one script (psql -f; mariadb with the whole file as one
multi-statement query, as sqlx sends it; sqlite3 .read), stopping at the first
that fails (the verdict is then `inconclusive`), unless --keep-going.

Control (on by default, --no-control to skip): the same query is prepared
on a second scratch database built from P's migrations. A query that also
fails there fails for another reason (wrong text, something the migrations
do not create), so a failure on C only counts as a break when the control
passes.

Verdicts, per N-1 site:
  breaks        PREPARE fails on C's schema with an undefined/ambiguous
                table, column, function or type (PostgreSQL 42P01 42703 42702
                42883 42704 42804 42809 42846; MariaDB 1054 1146 1052 1305
                1109; SQLite "no such ..."/"ambiguous ..."), and the control
                passes; or, with --execute, running it (NULL for every
                parameter, rolled back) hits a NOT NULL violation on the
                finding's column
  prepares      PREPARE succeeds on C's schema (for rules whose failure only
                shows when rows are read or written -- enum-value-not-decodable,
                column-type-changed, column-now-nullable -- see the schema
                evidence printed, and try --execute for INSERTs)
  runtime       every site prepares, but the finding's rule fails only when
                rows are read or written (see the evidence; --execute)
  inconclusive  the migrations do not apply, there is no query text, a
                parameter type cannot be inferred, the control fails too, ...

Servers: PostgreSQL at 127.0.0.1:5432 user postgres (trust), MariaDB at
127.0.0.1:3306 user root (empty password), through the psql and mariadb
clients; SQLite through the sqlite3 CLI when installed, else Python's sqlite3.

Exit status: 1 when some site breaks, 0 when every site prepares, 2 when
runtime or inconclusive, 3 on a usage error, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.dont_write_bytecode = True  # no __pycache__ in scripts/
import replay  # noqa: E402  (same folder: git helpers, migration-folder logic)

PG = dict(host="127.0.0.1", port="5432", user="postgres")
# --session-sql: statements run first in the PostgreSQL session that applies the migrations
SESSION_SQL: list[str] = []
MY = dict(host="127.0.0.1", port="3306", user="root")

# rules whose failure a successful PREPARE does not refute
RUNTIME_RULES = {"enum-value-not-decodable", "column-type-changed", "column-now-nullable",
                 "required-column-not-supplied", "undo-breaks-head"}
PG_BREAK = {"42P01", "42703", "42702", "42883", "42704", "42804", "42809", "42846"}
MY_BREAK = {1054, 1146, 1052, 1305, 1109}
SQLITE_BREAK = re.compile(r"no such (table|column|function)|ambiguous column name", re.I)
ITEM_START = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(async\s+)?(fn|struct|enum|const|static|impl|mod|trait|type)\b|^\s*#\[")
SQL_START = re.compile(r"^\s*(\(|--|/\*)*\s*(select|insert|update|delete|with|replace|merge|upsert|values)\b", re.I | re.S)


class Stop(Exception):
    pass


class Inconclusive(Exception):
    pass


def _on_signal(signum, _frame):
    raise Stop(signal.Signals(signum).name)


def sh(cmd, stdin=None, env=None, timeout=600):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=timeout,
                       errors="replace")
    return p.returncode, p.stdout, p.stderr


def git(repo, *args):
    rc, out, err = sh(["git", "-C", str(repo), *args])
    if rc != 0:
        raise Inconclusive(f"git {' '.join(args)}: {err.strip()}")
    return out


def git_bytes(repo, rev, path):
    p = subprocess.run(["git", "-C", str(repo), "show", f"{rev}:{path}"], capture_output=True)
    if p.returncode != 0:
        raise Inconclusive(f"git show {rev}:{path}: {p.stderr.decode(errors='replace').strip()}")
    return p.stdout.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------
# migrations


def list_migrations(repo, rev, mdir):
    """[(path, kind)] of the up scripts under `mdir` at `rev`, in the order
    the tools (and migsafe) apply them: versioned ones by version, Flyway
    repeatables (R__) last. Versions: diesel's folder prefix with its dashes
    removed, compared as a string (diesel's MigrationVersion is a string:
    `2017-09-23-182408` = `20170923182408` runs after `20170804200817`);
    sqlx / golang-migrate / dbmate by the number before `_`; Flyway/refinery by
    the numbers of V<a>.<b>__ / V<a>_<b>__."""
    out = git(repo, "ls-tree", "-r", "--name-only", "--full-tree", rev, "--", mdir.rstrip("/") + "/")
    files = [f for f in out.splitlines() if f.endswith(".sql")]
    items = []
    for f in files:
        rel = f[len(mdir.rstrip("/")) + 1:]
        parts = rel.split("/")
        name = parts[-1]
        if len(parts) == 2 and name == "up.sql":                          # diesel
            ver = parts[0].split("_", 1)[0].replace("-", "")
            if ver.isdigit():
                items.append(((0, (), ver), f, "diesel"))
        elif len(parts) == 1:
            stem = name[:-4]
            m = re.match(r"^([VvUuRr])(.*?)__", stem)
            if m:                                                          # Flyway / refinery
                kind, ver = m.group(1).upper(), m.group(2)
                if kind == "R" and not ver:
                    items.append(((1, (), stem), f, "repeatable"))
                elif kind == "V" and all(x.isdigit() for x in re.split(r"[._]", ver)):
                    items.append(((0, tuple(int(x) for x in re.split(r"[._]", ver)), ver), f, "versioned"))
                continue
            if stem.endswith(".down"):
                continue
            body = stem[:-3] if stem.endswith(".up") else stem
            ver = body.split("_", 1)[0]
            if ver.isdigit():                                              # sqlx, golang-migrate, dbmate
                items.append(((0, (int(ver),), ver), f, "numbered"))
        # deeper files (fixtures, helper folders without up.sql) are not migrations
    items.sort(key=lambda t: t[0])
    return [(f, kind) for _, f, kind in items]


def up_part(text):
    """dbmate files: only what is under `-- migrate:up`."""
    if re.search(r"^--\s*migrate:up", text, re.M):
        m = re.search(r"^--\s*migrate:up[^\n]*\n(.*?)(^--\s*migrate:down|\Z)", text, re.M | re.S)
        return m.group(1) if m else text
    return text


# --------------------------------------------------------------------------
# databases


class Database:
    dialect = "?"

    def __init__(self, tag):
        self.name = f"migsafe_prove_{tag}_{os.getpid()}_{secrets.token_hex(3)}"

    def __enter__(self):
        self.create()
        return self

    def __exit__(self, *exc):
        # a second Ctrl-C must not leave the database behind
        old = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            self.drop()
        finally:
            for s, h in old.items():
                signal.signal(s, h)
        return False


    def apply_all(self, steps, keep_going, verbose):
        """Each (path, sql) in turn; returns the failures."""
        failures = []
        for f, text, row in steps:
            e = self.apply(text) if text.strip() else None
            if not e and row:
                e = self.apply(row)
            if e:
                failures.append(f"{f}: {e}")
                if not keep_going:
                    break
            elif verbose:
                print(f"  applied {f}", file=sys.stderr)
        return failures


class Postgres(Database):
    dialect = "postgres"

    def psql(self, sql, db=None):
        cmd = ["psql", "-X", "-q", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", db or self.name,
               "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-P", "pager=off", "-At"]
        return sh(cmd, stdin=sql)

    def create(self):
        rc, _, err = self.psql(f'CREATE DATABASE "{self.name}"', db="postgres")
        if rc:
            raise Inconclusive(f"cannot create the scratch database: {err.strip()}")
        self.created = True

    def drop(self):
        if getattr(self, "created", False):
            rc, _, err = self.psql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', db="postgres")
            if rc:
                print(f"warning: could not drop {self.name}: {err.strip()}", file=sys.stderr)

    def apply(self, text):
        rc, _, err = self.psql(text)
        return None if rc == 0 else clean_err(err)

    def apply_all(self, steps, keep_going, verbose):
        """One psql session for all of them (a process per migration costs
        ~0.1 s): each file is \\i-included after a marker line, and an error
        is charged to the file whose marker came last."""
        tmp = tempfile.mkdtemp(prefix="migsafe-prove-sql-")
        try:
            script = [f"\\set ON_ERROR_STOP {0 if keep_going else 1}"] + SESSION_SQL
            for i, (f, text, row) in enumerate(steps):
                path = os.path.join(tmp, f"{i:05d}.sql")
                with open(path, "w") as fh:
                    fh.write(text + "\n")
                # `;` ends a last statement the file left unterminated
                script += [f"\\echo @@migsafe@@ {i}", f"\\i {path}", ";"] + ([row] if row else [])
            script.append("\\echo @@migsafe@@ end")
            cmd = ["psql", "-X", "-q", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", self.name,
                   "-v", "VERBOSITY=verbose", "-P", "pager=off", "-At"]
            p = subprocess.run(cmd, input="\n".join(script) + "\n", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace", timeout=3600)
            failures, cur, buf = [], None, []

            def flush():
                errs = [ln for ln in buf if re.match(r"^(psql:[^:]*:\d+: )?(ERROR|FATAL|PANIC):", ln)]
                if cur is not None and errs:
                    first = buf.index(errs[0])
                    failures.append(f"{steps[cur][0]}: " + clean_err("\n".join(
                        re.sub(r"^psql:[^:]*:\d+: ", "", ln) for ln in buf[first:first + 6])))
                elif cur is not None and verbose:
                    print(f"  applied {steps[cur][0]}", file=sys.stderr)
            for ln in p.stdout.splitlines():
                m = re.match(r"^@@migsafe@@ (\d+|end)$", ln)
                if m:
                    flush()
                    cur, buf = (None if m.group(1) == "end" else int(m.group(1))), []
                else:
                    buf.append(ln)
            flush()
            if p.returncode and not failures:
                failures.append(f"psql exit {p.returncode}: {clean_err(chr(10).join(buf))}")
            return failures
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def prepare(self, query, param_types=None):
        types = f"({param_types})" if param_types else ""
        rc, out, err = self.psql(f"PREPARE migsafe_p{types} AS {query};\n"
                                 "SELECT array_length(parameter_types, 1) FROM pg_prepared_statements "
                                 "WHERE name = 'migsafe_p';")
        if rc == 0:
            return None, None, None
        e = clean_err(err)
        m = re.search(r"ERROR:\s+([0-9A-Z]{5}):", e)
        code = m.group(1) if m else None
        return e, code, code in PG_BREAK

    def execute(self, query, param_types=None):
        types = f"({param_types})" if param_types else ""
        rc, out, err = self.psql(
            f"PREPARE migsafe_p{types} AS {query};\n"
            "SELECT coalesce(array_length(parameter_types, 1), 0) FROM pg_prepared_statements WHERE name = 'migsafe_p';")
        if rc:
            return clean_err(err), None
        n = int((out.strip().splitlines() or ["0"])[-1] or 0)
        args = f"({', '.join(['NULL'] * n)})" if n else ""
        rc, _, err = self.psql(f"BEGIN;\nPREPARE migsafe_p{types} AS {query};\nEXECUTE migsafe_p{args};\nROLLBACK;")
        if rc == 0:
            return None, None
        e = clean_err(err)
        m = re.search(r"ERROR:\s+([0-9A-Z]{5}):", e)
        return e, m.group(1) if m else None

    def evidence(self, table, column):
        schema, _, tbl = table.rpartition(".")
        cond = f"table_name = {lit(tbl)}" + (f" AND table_schema = {lit(schema)}" if schema else
                                             " AND table_schema = current_schema()")
        lines = []
        rc, out, _ = self.psql(f"SELECT count(*) FROM information_schema.tables WHERE {cond};")
        if rc == 0 and out.strip() == "0":
            rc, out, _ = self.psql(f"SELECT table_schema || '.' || table_name FROM information_schema.tables "
                                   f"WHERE table_name = {lit(tbl)};")
            return [f"table {table}: absent" + (f" (but exists as {', '.join(out.split())})" if out.strip() else "")]
        if column:
            rc, out, _ = self.psql(
                "SELECT data_type || ' (' || udt_name || ')', is_nullable, coalesce(column_default, '-') "
                f"FROM information_schema.columns WHERE {cond} AND column_name = {lit(column)};")
            if rc == 0 and out.strip():
                t, nullable, default = out.strip().split("|", 2)
                lines.append(f"column {table}.{column}: {t}, nullable {nullable}, default {default}")
                rc, out, _ = self.psql(
                    "SELECT string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) FROM pg_attribute a "
                    "JOIN pg_enum e ON e.enumtypid = a.atttypid "
                    f"WHERE a.attrelid = {lit(table)}::regclass AND a.attname = {lit(column)};")
                if rc == 0 and out.strip():
                    lines.append(f"enum values: {out.strip()}")
            else:
                rc, out, _ = self.psql(f"SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) "
                                       f"FROM information_schema.columns WHERE {cond};")
                lines.append(f"column {table}.{column}: absent (columns: {out.strip()})")
        return lines


class MariaDB(Database):
    dialect = "mysql"

    def mysql(self, sql, db=None):
        cmd = ["mariadb", "-h", MY["host"], "-P", MY["port"], "-u", MY["user"], "--batch", "--skip-column-names"]
        if db is not False:
            cmd += [db or self.name]
        return sh(cmd, stdin=sql)

    def create(self):
        rc, _, err = self.mysql(f"CREATE DATABASE `{self.name}`", db=False)
        if rc:
            raise Inconclusive(f"cannot create the scratch database: {err.strip()}")
        self.created = True

    def drop(self):
        if getattr(self, "created", False):
            rc, _, err = self.mysql(f"DROP DATABASE IF EXISTS `{self.name}`", db=False)
            if rc:
                print(f"warning: could not drop {self.name}: {err.strip()}", file=sys.stderr)

    def apply(self, text):
        # one multi-statement query, as sqlx sends a migration (a trigger
        # body's `;` must not split it): a delimiter that never occurs
        delim = "$$migsafe_end$$"
        rc, _, err = self.mysql(f"DELIMITER {delim}\n{text}\n{delim}\n")
        return None if rc == 0 else clean_err(err)

    def prepare(self, query, param_types=None):
        rc, _, err = self.mysql(f"PREPARE migsafe_p FROM {my_lit(query)};")
        if rc == 0:
            return None, None, None
        e = clean_err(err)
        m = re.search(r"ERROR (\d+) \(([0-9A-Z]{5})\)", e)
        code = int(m.group(1)) if m else None
        return e, (f"{m.group(1)} ({m.group(2)})" if m else None), code in MY_BREAK

    def execute(self, query, param_types=None):
        n = count_qmarks(query)
        using = (" USING " + ", ".join(["NULL"] * n)) if n else ""
        rc, _, err = self.mysql(f"START TRANSACTION;\nPREPARE migsafe_p FROM {my_lit(query)};\n"
                                f"EXECUTE migsafe_p{using};\nROLLBACK;")
        if rc == 0:
            return None, None
        e = clean_err(err)
        m = re.search(r"ERROR (\d+) \(([0-9A-Z]{5})\)", e)
        return e, (m.group(1) if m else None)

    def evidence(self, table, column):
        tbl = table.rpartition(".")[2]
        rc, out, _ = self.mysql(f"SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
                                f"AND table_name = {my_lit(tbl)};")
        if rc == 0 and out.strip() == "0":
            return [f"table {table}: absent"]
        if not column:
            return []
        rc, out, _ = self.mysql("SELECT column_type, is_nullable, coalesce(column_default, '-') FROM "
                                "information_schema.columns WHERE table_schema = DATABASE() AND "
                                f"table_name = {my_lit(tbl)} AND column_name = {my_lit(column)};")
        if rc == 0 and out.strip():
            t, nullable, default = out.strip().split("\t", 2)
            return [f"column {table}.{column}: {t}, nullable {nullable}, default {default}"]
        return [f"column {table}.{column}: absent"]


class SQLite(Database):
    dialect = "sqlite"

    def create(self):
        self.dir = tempfile.mkdtemp(prefix="migsafe-prove-")
        self.path = os.path.join(self.dir, "db.sqlite3")
        self.cli = shutil.which("sqlite3")

    def drop(self):
        shutil.rmtree(getattr(self, "dir", ""), ignore_errors=True)

    def run_sql(self, sql):
        if self.cli:
            rc, out, err = sh([self.cli, "-bail", "-batch", self.path], stdin=sql)
            return (clean_err(err) or f"sqlite3 exit {rc}") if rc else None
        con = sqlite3.connect(self.path)
        try:
            con.executescript(sql)
            return None
        except sqlite3.Error as e:
            return str(e)
        finally:
            con.close()

    def apply(self, text):
        return self.run_sql(text)

    def prepare(self, query, param_types=None):
        if self.cli:
            e = self.run_sql(f"EXPLAIN {query};")
        else:
            e = None
            con = sqlite3.connect(self.path)
            try:
                params: list = []
                for _ in range(100):
                    try:
                        con.execute(f"EXPLAIN {query}", params)
                        break
                    except sqlite3.ProgrammingError as pe:
                        m = re.search(r"uses (\d+)", str(pe))
                        if not m:
                            raise
                        params = [None] * int(m.group(1))
            except sqlite3.Error as err:
                e = str(err)
            finally:
                con.close()
        if not e:
            return None, None, None
        return e, None, bool(SQLITE_BREAK.search(e))

    def execute(self, query, param_types=None):
        e = self.run_sql(f"BEGIN;\n{query};\nROLLBACK;")
        return e, None

    def evidence(self, table, column):
        tbl = table.rpartition(".")[2]
        con = sqlite3.connect(self.path)
        try:
            cols = con.execute(f"PRAGMA table_info({dq(tbl)})").fetchall()
        finally:
            con.close()
        if not cols:
            return [f"table {table}: absent"]
        if not column:
            return []
        for _cid, name, typ, notnull, default, _pk in cols:
            if name == column:
                return [f"column {table}.{column}: {typ}, nullable {'NO' if notnull else 'YES'}, default {default}"]
        return [f"column {table}.{column}: absent (columns: {', '.join(c[1] for c in cols)})"]


DB_CLASSES = {"postgres": Postgres, "mysql": MariaDB, "sqlite": SQLite}


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def my_lit(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def dq(s):
    return '"' + s.replace('"', '""') + '"'


def clean_err(err):
    # the mariadb client echoes the failing statement between dashed lines
    err = re.sub(r"(?ms)^-{10,}\n.*?^-{10,}\n", "", err or "")
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("LOCATION:")]
    return "\n".join(lines[:12]).strip()


def count_qmarks(q):
    q = re.sub(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", "", q)
    return q.count("?")


def strip_query(q):
    q = q.strip()
    while q.endswith(";"):
        q = q[:-1].rstrip()
    return q


# --------------------------------------------------------------------------
# dialect


DIALECT_MARKERS = [
    ("postgres", re.compile(r'"(sqlx-)?postgres(ql)?"|\btokio-postgres\b|\bdeadpool-postgres\b|^\s*postgres\s*=|'
                            r'\bpostgres-types\b|\bbb8-postgres\b|"with-postgres"|\bpq-sys\b', re.M)),
    ("mysql", re.compile(r'"(sqlx-)?mysql"|\bmysql_async\b|^\s*mysql\s*=|\bmysqlclient-sys\b', re.M)),
    ("sqlite", re.compile(r'"(sqlx-)?sqlite"|\brusqlite\b|\blibsqlite3-sys\b|"returning_clauses_for_sqlite_3_35"', re.M)),
]


def guess_dialect(repo, rev, mdir):
    """From the folder's name, else the dependencies of the Cargo.toml files
    above the migrations folder (nearest first). Returns (dialect, why)."""
    low = mdir.lower()
    for d, words in (("mysql", ("maria", "mysql")), ("sqlite", ("sqlite",)), ("postgres", ("postgres", "pg_", "_pg", "-pg", "pg-"))):
        if any(w in low for w in words):
            return d, f"folder name {mdir}"
    files = set(git(repo, "ls-tree", "-r", "--name-only", "--full-tree", rev).splitlines())
    d = PurePosixPath(mdir)
    manifests = [str(p / "Cargo.toml") if str(p) != "." else "Cargo.toml" for p in [d, *d.parents]]
    manifests = [m for m in manifests if m in files]
    for m in manifests:
        text = git_bytes(repo, rev, m)
        text = re.sub(r"(?m)#.*$", "", text)
        hits = [name for name, rx in DIALECT_MARKERS if rx.search(text)]
        if len(hits) == 1:
            return hits[0], f"dependencies in {m}"
        if len(hits) > 1:
            raise Inconclusive(f"{m} names several databases ({', '.join(hits)}): give --dialect")
    raise Inconclusive(f"no database dependency found above {mdir}: give --dialect")


# --------------------------------------------------------------------------
# N-1's query text


def literal_at(text, line):
    """The first SQL-looking Rust string literal at or after `line` (1-based), within 40 lines."""
    lines = text.splitlines(keepends=True)
    start = sum(len(ln) for ln in lines[: max(line - 1, 0)])
    # up to the next item (fn, struct, const, ...), at most 60 lines: a
    # struct or enum must not borrow the query of the item after it
    span = lines[line - 1: line + 59]
    for i, ln in enumerate(span[1:], 1):
        if ITEM_START.match(ln):
            span = span[:i]
            break
    window = text[start: start + sum(len(ln) for ln in span)]
    pos = 0
    rx = re.compile(r'(?<![A-Za-z0-9_])(b?r(#*)"|b?")')
    found = []
    while True:
        m = rx.search(window, pos)
        if not m:
            break
        if m.group(1).rstrip('"').endswith("r") or m.group(2):
            hashes = m.group(2) or ""
            end = window.find('"' + hashes, m.end())
            if end < 0:
                break
            value = window[m.end():end]
            pos = end + 1 + len(hashes)
        else:
            i = m.end()
            buf = []
            while i < len(window) and window[i] != '"':
                if window[i] == "\\" and i + 1 < len(window):
                    nxt = window[i + 1]
                    if nxt == "\n":  # line continuation: skip the newline and leading blanks
                        i += 2
                        while i < len(window) and window[i] in " \t\r\n":
                            i += 1
                        continue
                    buf.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0", '"': '"', "\\": "\\", "'": "'"}.get(nxt, nxt))
                    i += 2
                    continue
                buf.append(window[i])
                i += 1
            value = "".join(buf)
            pos = i + 1
        found.append(value)
        if SQL_START.match(value) or value.endswith(".sql"):
            return value
    return None


def footprint_queries(repo, parent, manifest, binary):
    """{(file, line): sql} from `footprint --format json` run on a scratch checkout of `parent`."""
    if not binary:
        return {}, "no cargo-migsafe binary"
    scratch = tempfile.mkdtemp(prefix="migsafe-prove-fp-")
    try:
        clone = Path(scratch) / "repo"
        rc, _, err = sh(["git", "clone", "-q", "--shared", "--no-checkout", str(repo), str(clone)])
        if rc:
            return {}, err.strip()
        rc, _, err = sh(["git", "-C", str(clone), "checkout", "-q", "--detach", "--force", parent])
        if rc and "unable to read" not in err and "invalid object" not in err:
            return {}, err.strip()
        cmd = [binary, "migsafe", "footprint", "--format", "json"]
        if manifest:
            cmd += ["--manifest-path", str(clone / manifest)]
        rc, out, err = sh(cmd, env=dict(os.environ, NO_COLOR="1", CARGO_NET_OFFLINE="true"), timeout=600)
        if rc:
            return {}, (err.strip().splitlines() or [f"exit {rc}"])[0]
        data = json.loads(out)
        res = {}
        for s in data.get("sites") or []:
            decl = s.get("decl") or {}
            # a struct, enum or #[touches] site has no SQL: None, so that no
            # literal nearby is taken for it
            res[(s.get("file"), s.get("line"))] = decl.get("sql")
        return res, None
    except (json.JSONDecodeError, subprocess.TimeoutExpired) as e:
        return {}, str(e)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def probe_query(table, column, dialect):
    q = {"mysql": lambda s: "`" + s.replace("`", "``") + "`"}.get(dialect, dq)
    t = ".".join(q(p) for p in table.split("."))
    return f"SELECT {q(column) if column else '1'} FROM {t} LIMIT 0"


def site_queries(args, rec, finding, dialect):
    """[(label, sql or None, source)] for the N-1 sites of the finding."""
    sites = [s for s in finding.get("sites") or [] if s.get("revision", "base") == "base"]
    if args.site is not None:
        if not 0 <= args.site < len(sites):
            raise SystemExit(f"prove_error: the finding has {len(sites)} N-1 sites; --site {args.site} is out of range")
        sites = [sites[args.site]]
    fp, fp_err = ({}, "not asked")
    if args.query_source in ("auto", "footprint"):
        fp, fp_err = footprint_queries(args.repo, rec["parent"], rec.get("manifest"), args.binary)
    out = []
    for s in sites:
        label = f"{s.get('file')}:{s.get('line')} {s.get('item') or ''} ({s.get('access') or 'uses'})"
        sql, source = None, None
        key = (s.get("file"), s.get("line"))
        if args.query_source in ("auto", "footprint"):
            sql = fp.get(key)
            source = "footprint" if sql else None
        known_no_sql = key in fp and fp[key] is None
        if not sql and not known_no_sql and args.query_source in ("auto", "source") and s.get("file") and s.get("line"):
            try:
                text = git_bytes(args.repo, rec["parent"], s["file"])
                sql = literal_at(text, int(s["line"]))
                if sql and sql.endswith(".sql") and not SQL_START.match(sql):
                    base = PurePosixPath(s["file"]).parent
                    for cand in [str(base / sql), sql, *[str(p / sql) for p in base.parents]]:
                        try:
                            sql = git_bytes(args.repo, rec["parent"], cand.lstrip("./"))
                            break
                        except Inconclusive:
                            continue
                    else:
                        sql = None
                source = "source literal" if sql else None
            except Inconclusive:
                sql = None
        if not sql and args.query_source in ("auto", "probe") and finding.get("table"):
            sql, source = probe_query(finding["table"], finding.get("column"), dialect), "probe"
        out.append((label, sql, source or f"none ({fp_err})"))
    return out


# --------------------------------------------------------------------------


def read_blobs(repo, rev, paths):
    """{path: text} in one `git cat-file --batch`."""
    if not paths:
        return {}
    req = "".join(f"{rev}:{p}\n" for p in paths).encode()
    p = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch"], input=req, capture_output=True)
    data, out, i = p.stdout, {}, 0
    for path in paths:
        nl = data.index(b"\n", i)
        header = data[i:nl].split()
        if len(header) < 3 or header[1] == b"missing":
            raise Inconclusive(f"{path} is not in {rev[:12]}")
        size = int(header[2])
        out[path] = data[nl + 1: nl + 1 + size].decode("utf-8", errors="replace")
        i = nl + 1 + size + 1
    return out


def bookkeeping(dialect, kinds):
    """The migration tool's own table, which some migrations read or edit
    (matrix-authentication-service deletes from `_sqlx_migrations`), and the
    row the tool writes after each migration."""
    ts = {"postgres": "TIMESTAMPTZ", "mysql": "TIMESTAMP", "sqlite": "TIMESTAMP"}[dialect]
    blob = {"postgres": "BYTEA", "mysql": "BLOB", "sqlite": "BLOB"}[dialect]
    if "diesel" in kinds:
        create = ("CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, "
                  "run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);")

        def row(path):
            ver = PurePosixPath(path).parent.name.split("_", 1)[0].replace("-", "")
            return f"INSERT INTO __diesel_schema_migrations (version) VALUES ('{ver}');"
        return create, row
    if "numbered" in kinds:
        create = (f"CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, "
                  f"installed_on {ts} NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, "
                  f"checksum {blob} NOT NULL, execution_time BIGINT NOT NULL);")

        def row(path):
            name = PurePosixPath(path).name
            ver, _, desc = name.removesuffix(".sql").removesuffix(".up").partition("_")
            empty = {"postgres": "''::bytea", "mysql": "''", "sqlite": "X''"}[dialect]
            return ("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) "
                    f"VALUES ({int(ver)}, {lit(desc.replace('_', ' '))}, TRUE, {empty}, 0);")
        return create, row
    return None, None


def build(db, repo, rev, mdir, keep_going, verbose):
    """Apply the up migrations of `mdir` at `rev`; returns (count, failures)."""
    migs = list_migrations(repo, rev, mdir)
    texts = read_blobs(repo, rev, [f for f, _ in migs])
    create, row = bookkeeping(db.dialect, {k for _, k in migs})
    if create:
        e = db.apply(create)
        if e:
            return len(migs), [f"(the migration tool's table): {e}"]
    steps = [(f, up_part(texts[f]), row(f) if row else None) for f, _ in migs]
    failures = db.apply_all(steps, keep_going, verbose)
    return len(migs), failures


def prove(args):
    rec, finding = {}, {}
    if args.jsonl:
        recs = [json.loads(ln) for ln in open(args.jsonl) if ln.strip()]
        if args.line is not None:
            if not 1 <= args.line <= len(recs):
                raise SystemExit(f"prove_error: {args.jsonl} has {len(recs)} lines")
            rec = recs[args.line - 1]
        else:
            cands = [r for r in recs if r.get("commit", "").startswith(args.commit or "\0")]
            if len(cands) != 1:
                raise SystemExit(f"prove_error: {len(cands)} lines of {args.jsonl} match --commit {args.commit}")
            rec = cands[0]
        errors = rec.get("errors") or []
        if args.finding is None or not 0 <= args.finding < len(errors):
            raise SystemExit(f"prove_error: that line has {len(errors)} error findings; give --finding 0..{len(errors) - 1}")
        finding = errors[args.finding]
        args.repo = args.repo or rec.get("repo")
        args.commit = rec["commit"]
    if not args.repo or not args.commit:
        raise SystemExit("prove_error: give --repo and --commit (or --jsonl)")
    args.repo = str(Path(args.repo).resolve())
    commit = git(args.repo, "rev-parse", "--verify", f"{args.commit}^{{commit}}").strip()
    parent = rec.get("parent") or git(args.repo, "rev-parse", "--verify", f"{commit}^1").strip()
    rec = {**rec, "commit": commit, "parent": parent}

    # the migrations folder
    if args.migrations:
        mdir = args.migrations.strip("/")
    elif finding.get("migration"):
        mdir = replay.migrations_dir_of(finding["migration"].rsplit(":", 1)[0])
    else:
        added = rec.get("added")
        if not added:
            added = [f for f in git(args.repo, "diff", "--name-only", "--diff-filter=A", parent, commit, "--").splitlines()
                     if f.endswith(".sql") and not replay.DOWN_RE.search(f)]
        dirs = sorted({replay.migrations_dir_of(f) for f in added})
        if len(dirs) != 1:
            raise SystemExit(f"prove_error: cannot tell the migrations folder ({dirs or 'none added'}): give --migrations")
        mdir = dirs[0]

    dialect, why = (args.dialect, "given") if args.dialect else guess_dialect(args.repo, commit, mdir)

    # the queries
    if args.query or args.query_file:
        text = args.query if args.query else Path(args.query_file).read_text()
        queries = [("given query", text, "given")]
    else:
        if not finding:
            raise SystemExit("prove_error: give --query/--query-file, or --jsonl with --finding")
        queries = site_queries(args, rec, finding, dialect)

    print(f"commit   {commit[:12]} (N)   parent {parent[:12]} (N-1)   repo {args.repo}")
    print(f"folder   {mdir}   dialect {dialect} ({why})")
    if finding:
        print(f"finding  [{finding.get('rule')}] {finding.get('message')}")
    result = {"commit": commit, "parent": parent, "migrations": mdir, "dialect": dialect, "finding": finding or None,
              "sites": []}

    cls = DB_CLASSES[dialect]
    verdicts = []
    with cls("n") as db_n:
        n, fails = build(db_n, args.repo, commit, mdir, args.keep_going, args.verbose)
        print(f"schema N: {n} migrations on scratch database {db_n.name}: "
              + (f"{len(fails)} failed" + ("" if args.keep_going else " (stopped there)") if fails else "all applied"))
        for f in fails:
            print("  migration failed: " + f.replace("\n", "\n    "))
        result["migrations_applied"], result["migration_failures"] = n, fails
        if fails and not args.keep_going:
            result["verdict"] = "inconclusive"
            result["reason"] = "a migration does not apply"
            return result, 2
        if finding.get("table"):
            ev = db_n.evidence(finding["table"], finding.get("column"))
            for line in ev:
                print(f"  N schema: {line}")
            result["evidence_n"] = ev
        db_c = None
        if not args.no_control:
            db_c = cls("p")
            db_c.__enter__()
        try:
            if db_c is not None:
                nc, cfails = build(db_c, args.repo, parent, mdir, True, args.verbose)
                print(f"schema N-1 (control): {nc} migrations: " + (f"{len(cfails)} failed" if cfails else "all applied"))
                result["control_migration_failures"] = cfails
            for label, sql, source in queries:
                site = {"site": label, "source": source, "sql": sql}
                print(f"\nN-1 site {label}   query from {source}")
                if not sql:
                    site["verdict"] = "inconclusive"
                    site["reason"] = "no query text (give --query)"
                    print("  inconclusive: no query text (give --query)")
                    verdicts.append(site["verdict"])
                    result["sites"].append(site)
                    continue
                sql = strip_query(sql)
                print("  " + sql.replace("\n", "\n  "))
                err, code, is_break = db_n.prepare(sql, args.param_types)
                site["prepare_n"] = {"error": err, "code": code}
                if err:
                    print(f"  PREPARE on N's schema FAILS: {err}")
                    col = finding.get("column")
                    if col and col.lower() not in err.lower():
                        print(f"  note: the database's error is not about `{col}`, the finding's column")
                else:
                    print("  PREPARE on N's schema: ok")
                ctrl_err = None
                if db_c is not None:
                    ctrl_err, ccode, _ = db_c.prepare(sql, args.param_types)
                    site["prepare_control"] = {"error": ctrl_err, "code": ccode}
                    print("  PREPARE on N-1's own schema (control): " + (f"FAILS: {ctrl_err}" if ctrl_err else "ok"))
                if err:
                    if ctrl_err:
                        v, why_v = "inconclusive", "fails on N-1's own schema too"
                    elif is_break:
                        v, why_v = "breaks", f"the database rejects N-1's query ({code or 'error'})"
                    else:
                        v, why_v = "inconclusive", f"an error that is not a missing/ambiguous name ({code})"
                else:
                    v, why_v = "prepares", "PREPARE succeeds on N's schema"
                    if args.execute:
                        xerr, xcode = db_n.execute(sql, args.param_types)
                        site["execute_n"] = {"error": xerr, "code": xcode}
                        print("  EXECUTE (NULL parameters, rolled back): " + (f"FAILS: {xerr}" if xerr else "ok"))
                        col = finding.get("column")
                        if xerr and col and re.search(r"not.null|cannot be null|NOT NULL constraint", xerr, re.I) \
                                and re.search(r'["`\'.]' + re.escape(col) + r'["`\']?', xerr):
                            v, why_v = "breaks", f"running it violates NOT NULL on {col}"
                site["verdict"], site["reason"] = v, why_v
                print(f"  => {v}: {why_v}")
                verdicts.append(v)
                result["sites"].append(site)
        finally:
            if db_c is not None:
                db_c.__exit__(None, None, None)
    overall = "breaks" if "breaks" in verdicts else ("prepares" if verdicts and all(v == "prepares" for v in verdicts)
                                                     else "inconclusive")
    if overall == "prepares" and finding.get("rule") in RUNTIME_RULES:
        overall = "runtime"
        print(f"\nnote: `{finding['rule']}` fails when rows are read or written, not when the statement is "
              "prepared: see the schema evidence above" + (" (and try --execute)" if not args.execute else ""))
    result["verdict"] = overall
    return result, {"breaks": 1, "prepares": 0}.get(overall, 2)


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="prove_error.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", help="clone or bare git directory of the service (default with --jsonl: the line's repo)")
    ap.add_argument("--commit", help="commit C (N) whose migrations build the schema; with --jsonl, picks the line")
    ap.add_argument("--dialect", choices=sorted(DB_CLASSES), help="default: guessed from the folder name and dependencies")
    ap.add_argument("--query", help="N-1's SQL")
    ap.add_argument("--query-file", help="file holding N-1's SQL")
    ap.add_argument("--migrations", help="the migrations folder, relative to the repository root "
                    "(default: from the finding, or the folder C adds migrations to)")
    ap.add_argument("--jsonl", help="a replay.py JSON-lines file")
    ap.add_argument("--line", type=int, help="with --jsonl: the 1-based line")
    ap.add_argument("--finding", type=int, help="with --jsonl: index into the line's `errors` list")
    ap.add_argument("--site", type=int, help="only this N-1 site of the finding (0-based; default: all)")
    ap.add_argument("--query-source", choices=["auto", "footprint", "source", "probe"], default="auto",
                    help="where N-1's query text comes from with --jsonl (default auto: footprint, source, probe)")
    ap.add_argument("--binary", default=shutil.which("cargo-migsafe"), help="cargo-migsafe, for footprint")
    ap.add_argument("--param-types", help="PostgreSQL: PREPARE's parameter types, e.g. 'uuid, text'")
    ap.add_argument("--execute", action="store_true",
                    help="after a successful PREPARE, run the statement with NULL parameters in a rolled-back transaction")
    ap.add_argument("--no-control", action="store_true", help="skip the control database built from N-1's migrations")
    ap.add_argument("--keep-going", action="store_true", help="apply the remaining migrations after one fails")
    ap.add_argument("--session-sql", action="append", default=[], metavar="SQL",
                    help="PostgreSQL: run SQL first in the session that applies the migrations, as the service's own "
                         "runner does (lemmy's holds advisory lock 0: --session-sql 'SELECT pg_advisory_lock(0);')")
    ap.add_argument("--json", action="store_true", help="print the result as JSON at the end")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every migration applied")
    args = ap.parse_args(argv)
    SESSION_SQL[:] = args.session_sql
    if args.query and args.query_file:
        ap.error("--query and --query-file exclude each other")
    if args.jsonl and args.line is None and not args.commit:
        ap.error("with --jsonl, give --line N or --commit C")
    return args


def main(argv=None):
    args = parse_args(argv)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _on_signal)
    try:
        result, status = prove(args)
    except Inconclusive as e:
        print(f"inconclusive: {e}")
        result, status = {"verdict": "inconclusive", "reason": str(e)}, 2
    except Stop as e:
        print(f"interrupted ({e}); scratch databases dropped", file=sys.stderr)
        return 130
    except SystemExit as e:
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
            return 3
        raise
    print(f"\nverdict: {result.get('verdict')}")
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
    return status


if __name__ == "__main__":
    sys.exit(main())
