#!/usr/bin/python3
"""Benchmark: import a CTDC-layout file and count victims by year and gender,
through Sanad, the sqlite3 shell and pandas, in one run.

Each tool does the same two steps on the same file:
  1. load:  sanad import --format ctdc  |  sqlite3 .import --csv  |  pandas.read_csv
  2. count: sanad stats --by year,gender  |  SELECT ... GROUP BY  |  DataFrame.groupby
Times are wall-clock seconds, best of --repeat runs; ratios are peer / Sanad
(above 1: Sanad is faster).  Sanad and sqlite3 write a database file (Sanad
with synchronous=FULL and its validation); pandas only loads into memory.

usage: import_and_count.py [--rows N] [--repeat K] [--sanad PATH] [--keep DIR]

It needs pandas, which Debian's /usr/bin/python3 has (python3-pandas); run
under another interpreter without it (a pyenv python3 first on PATH), the
script starts itself again with /usr/bin/python3.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

SYSTEM_PYTHON = "/usr/bin/python3"


def ensure_pandas():
    """Re-run this script with the system python when this one lacks pandas."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON) and \
                os.access(SYSTEM_PYTHON, os.X_OK):
            os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
        sys.exit("import_and_count.py: needs pandas (apt-get install python3-pandas)")


HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def main():
    ensure_pandas()
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sanad", default=os.path.join(ROOT, "build", "sanad"))
    ap.add_argument("--reference", default=os.path.join(ROOT, "..", "shared", "reference",
                                                        "ctdc", "ctdc-global-2020-subset.csv"))
    ap.add_argument("--keep", help="directory for the data file (kept between runs)")
    args = ap.parse_args()

    import pandas as pd

    work = args.keep or tempfile.mkdtemp(prefix="sanad-bench-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, f"ctdc-{args.rows}.csv")
    if not os.path.exists(data):
        print(f"generating {args.rows} rows -> {data}", file=sys.stderr)
        run([sys.executable, os.path.join(HERE, "gen_ctdc.py"), args.reference, str(args.rows), data])
    size_mb = os.path.getsize(data) / 1e6

    best = {}

    def record(key, seconds):
        best[key] = min(best.get(key, float("inf")), seconds)

    counts = {}
    for _ in range(args.repeat):
        db = os.path.join(work, "bench.sanad")
        for suffix in ("", "-wal", "-shm", "-journal", ".key"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        run([args.sanad, "init", "--db", db])
        t, _ = timed(lambda: run([args.sanad, "import", "--db", db, "--format", "ctdc", "--quiet", data]))
        record(("load", "sanad"), t)
        t, out = timed(lambda: run([args.sanad, "stats", "--db", db, "--by", "year,gender",
                                    "--format", "csv"]))
        record(("count", "sanad"), t)
        counts["sanad"] = out.stdout.decode()

        sdb = os.path.join(work, "bench.sqlite")
        if os.path.exists(sdb):
            os.remove(sdb)
        t, _ = timed(lambda: run(["sqlite3", sdb, f".import --csv {data} ctdc"]))
        record(("load", "sqlite3"), t)
        t, out = timed(lambda: run(["sqlite3", "-csv", sdb,
                                    "SELECT yearOfRegistration, gender, count(*) FROM ctdc "
                                    "GROUP BY 1, 2 ORDER BY 1, 2"]))
        record(("count", "sqlite3"), t)
        counts["sqlite3"] = out.stdout.decode()

        t, df = timed(lambda: pd.read_csv(data, dtype=str, keep_default_na=False))
        record(("load", "pandas"), t)
        t, grouped = timed(lambda: df.groupby(["yearOfRegistration", "gender"]).size())
        record(("count", "pandas"), t)
        counts["pandas"] = grouped
        del df

    # The three must agree before their times mean anything.
    def norm_sanad(text):
        rows = {}
        for line in text.strip().splitlines()[1:]:
            y, g, c = line.split(",")
            rows[(y or "-", g or "-")] = int(c)
        return rows

    def norm_sqlite(text):
        rows = {}
        for line in text.strip().splitlines():
            y, g, c = line.split(",")
            rows[(y, g)] = int(c)
        return rows

    s = norm_sanad(counts["sanad"])
    q = norm_sqlite(counts["sqlite3"])
    p = {(y, g): int(c) for (y, g), c in counts["pandas"].items()}
    agree = s == q == p
    print(f"file: {args.rows} rows, {size_mb:.0f} MB; best of {args.repeat}; counts agree: {agree}")
    print(f"{'step':<7}{'sanad':>10}{'sqlite3':>10}{'pandas':>10}{'sqlite3/sanad':>16}{'pandas/sanad':>15}")
    for step in ("load", "count"):
        sa, sq, pa = best[(step, "sanad")], best[(step, "sqlite3")], best[(step, "pandas")]
        print(f"{step:<7}{sa:>9.3f}s{sq:>9.3f}s{pa:>9.3f}s{sq / sa:>15.1f}x{pa / sa:>14.1f}x")
    if not args.keep:
        shutil.rmtree(work)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
