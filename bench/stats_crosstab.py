#!/usr/bin/python3
"""Benchmark: the cross-tabs of issue 5 through Sanad's aggregation engine,
the sqlite3 shell and pandas, on the same data, in one run.

For each size N (--sizes, default 1,000,000 and 10,000,000) a CTDC-layout
file of N synthetic victims (gen_ctdc.py) is loaded by each tool:
  sanad    sanad import --format ctdc (its normal write path: validation,
           one transaction, synchronous=FULL)
  sqlite3  .import --csv into a table, plus a table of (case, form) rows
           for the multi-valued form of exploitation, indexed by case
  pandas   read_csv of the columns the queries use, as categories, plus a
           long frame of (case columns, form) rows -- the exploded form
Then the queries, each answered by all three, whose counts must agree
(the script fails loudly if they do not):
  a  year x sex x form of exploitation
  b  nationality x country of exploitation
  c  sex = Female, minor, registered 2015-2020, sexual exploitation:
     by nationality (a 4-dimension filter, then a group-by)
Timed: the engine kept open in one `sanad stats --queries -` process and
asked each query in turn (in-process, like pandas; the first round, which
loads the bitmaps, reported on its own), and `sanad stats` as a whole process per query, with the engine's
bitmaps already saved in the database (the one-off build, the first run
after the import, is reported on its own line); the sqlite3 shell as a
process per query; pandas' filter and groupby in-process, the load not
counted.  Wall-clock seconds, best of --repeat; ratios are peer / Sanad
(above 1: Sanad is faster).

usage: stats_crosstab.py [--sizes N[,N...]] [--repeat K] [--sanad PATH] [--keep DIR]

It needs pandas, which Debian's /usr/bin/python3 has (python3-pandas).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

SYSTEM_PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
YEARS = [str(y) for y in range(2015, 2021)]
FORMS = [("isForcedLabour", "ForcedLabour"), ("isSexualExploit", "SexualExploitation"),
         ("isOtherExploit", "Other")]
COLUMNS = ["yearOfRegistration", "gender", "majorityStatus", "citizenship",
           "CountryOfExploitation"] + [c for c, _ in FORMS]
UNKNOWN = {"", "-", "-99", "00", "unknown", "nan"}  # as Sanad's CTDC reader ("NA" is Namibia)


def ensure_pandas():
    try:
        import pandas  # noqa: F401
    except ImportError:
        if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON) and \
                os.access(SYSTEM_PYTHON, os.X_OK):
            os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
        sys.exit("stats_crosstab.py: needs pandas (apt-get install python3-pandas)")


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode:
        sys.exit(f"stats_crosstab.py: {' '.join(cmd)} failed:\n{p.stderr.decode()[-2000:]}")
    return p.stdout.decode()


def norm(v):
    v = "" if v is None else str(v)
    return "" if v in UNKNOWN else v


def parse_csv(text, header):
    """Rows of a CSV answer as {(key...): count}, unknown as ''."""
    rows = {}
    lines = text.strip().splitlines()
    for line in lines[1:] if header else lines:
        *key, count = line.split(",")
        key = tuple(norm(k) for k in key)
        rows[key] = rows.get(key, 0) + int(count)
    return rows


SANAD_QUERIES = {
    "a": ["--by", "year,sex,exploitation"],
    "b": ["--by", "nationality,country_of_exploitation"],
    "c": ["--by", "nationality", "--filter", "sex=Female", "--filter", "majority=Minor",
          "--filter", "year=" + ",".join(YEARS), "--filter", "exploitation=SexualExploitation"],
}
SQL_QUERIES = {
    "a": "SELECT c.yearOfRegistration, c.gender, f.form, count(*) FROM ctdc c "
         "LEFT JOIN forms f ON f.id = c.rowid GROUP BY 1, 2, 3",
    "b": "SELECT citizenship, CountryOfExploitation, count(*) FROM ctdc GROUP BY 1, 2",
    "c": "SELECT citizenship, count(*) FROM ctdc WHERE gender = 'Female' AND majorityStatus = 'Minor' "
         "AND yearOfRegistration BETWEEN '2015' AND '2020' AND isSexualExploit = '1' GROUP BY 1",
}
TITLES = {"a": "a year x sex x form", "b": "b nationality x country", "c": "c 4 filters, by nat."}


def pandas_frames(data):
    import pandas as pd
    df = pd.read_csv(data, usecols=COLUMNS, dtype="category", keep_default_na=False)
    keys = ["yearOfRegistration", "gender"]
    parts = [df.loc[df[col] == "1", keys].assign(form=code) for col, code in FORMS]
    none = ~((df[FORMS[0][0]] == "1") | (df[FORMS[1][0]] == "1") | (df[FORMS[2][0]] == "1"))
    parts.append(df.loc[none, keys].assign(form=""))
    long = pd.concat(parts, ignore_index=True)
    long["form"] = long["form"].astype("category")
    return df, long


def pandas_query(q, df, long):
    if q == "a":
        return long.groupby(["yearOfRegistration", "gender", "form"], observed=True).size()
    if q == "b":
        return df.groupby(["citizenship", "CountryOfExploitation"], observed=True).size()
    sel = df[(df["gender"] == "Female") & (df["majorityStatus"] == "Minor") &
             df["yearOfRegistration"].isin(YEARS) & (df["isSexualExploit"] == "1")]
    return sel.groupby("citizenship", observed=True).size()


def pandas_rows(series):
    rows = {}
    for key, count in series.items():
        key = tuple(norm(k) for k in (key if isinstance(key, tuple) else (key,)))
        if count:
            rows[key] = rows.get(key, 0) + int(count)
    return rows


def bench_size(n, args):
    work = args.keep or tempfile.mkdtemp(prefix="sanad-bench-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, f"ctdc-{n}.csv")
    if not os.path.exists(data):
        print(f"generating {n} rows -> {data}", file=sys.stderr)
        run([sys.executable, os.path.join(HERE, "gen_ctdc.py"), args.reference, str(n), data])
    load = {}

    db = os.path.join(work, f"bench-{n}.sanad")
    if not (args.keep and os.path.exists(db)):
        for suffix in ("", "-wal", "-shm", "-journal", ".key"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        run([args.sanad, "init", "--db", db])
        load["sanad"], _ = timed(lambda: run([args.sanad, "import", "--db", db, "--format", "ctdc",
                                              "--quiet", data]))
    run(["sqlite3", db, "DELETE FROM stats_bitmap; DELETE FROM stats_bitmap_state;"])
    build, _ = timed(lambda: [run([args.sanad, "stats", "--db", db, "--format", "csv"] + SANAD_QUERIES[q])
                              for q in "abc"])

    sdb = os.path.join(work, f"bench-{n}.sqlite")
    if not (args.keep and os.path.exists(sdb)):
        if os.path.exists(sdb):
            os.remove(sdb)
        forms = " UNION ALL ".join(f"SELECT rowid, '{code}' FROM ctdc WHERE {col} = '1'" for col, code in FORMS)
        load["sqlite3"], _ = timed(lambda: run(["sqlite3", sdb, f".import --csv {data} ctdc",
                                                "CREATE TABLE forms (id INTEGER, form TEXT)",
                                                f"INSERT INTO forms {forms}",
                                                "CREATE INDEX forms_id ON forms(id)"]))

    load["pandas"], (df, long) = timed(lambda: pandas_frames(data))

    best, answers = {}, {}
    # the engine kept open (sanad stats --queries -): loaded once, then each
    # query timed in-process like pandas'; the first round (bitmaps loaded
    # from the database) is reported apart as "open"
    server = subprocess.Popen([args.sanad, "stats", "--db", db, "--queries", "-"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def ask(q):
        server.stdin.write(" ".join(SANAD_QUERIES[q] + ["--format", "csv"]) + "\n")
        server.stdin.flush()
        lines = []
        while True:
            line = server.stdout.readline()
            if line in ("--\n", ""):
                return "".join(lines)
            lines.append(line)

    opened, _ = timed(lambda: [ask(q) for q in "abc"])
    for _ in range(args.repeat):
        for q in "abc":
            t, out = timed(lambda: ask(q))
            best[(q, "engine")] = min(best.get((q, "engine"), 1e9), t)
            answers[(q, "engine")] = parse_csv(out, True)
    server.stdin.close()
    server.wait()
    for _ in range(args.repeat):
        for q in "abc":
            t, out = timed(lambda: run([args.sanad, "stats", "--db", db, "--format", "csv"] + SANAD_QUERIES[q]))
            best[(q, "sanad")] = min(best.get((q, "sanad"), 1e9), t)
            answers[(q, "sanad")] = parse_csv(out, True)
            t, out = timed(lambda: run(["sqlite3", "-csv", sdb, SQL_QUERIES[q]]))
            best[(q, "sqlite3")] = min(best.get((q, "sqlite3"), 1e9), t)
            answers[(q, "sqlite3")] = parse_csv(out, False)
            t, res = timed(lambda: pandas_query(q, df, long))
            best[(q, "pandas")] = min(best.get((q, "pandas"), 1e9), t)
            answers[(q, "pandas")] = pandas_rows(res)
    del df, long

    agree = True
    for q in "abc":
        s, l, p = answers[(q, "sanad")], answers[(q, "sqlite3")], answers[(q, "pandas")]
        if answers[(q, "engine")] != s:
            agree = False
            print(f"QUERY {q}: sanad stats --queries disagrees with sanad stats")
        if not (s == l == p):
            agree = False
            print(f"QUERY {q}: COUNTS DISAGREE (sanad {len(s)} cells, sqlite3 {len(l)}, pandas {len(p)})")
            for key in sorted(set(s) | set(l) | set(p))[:20]:
                if not (s.get(key) == l.get(key) == p.get(key)):
                    print(f"   {key}: sanad {s.get(key)} sqlite3 {l.get(key)} pandas {p.get(key)}")

    print(f"\n{n:,} cases; best of {args.repeat}; counts agree: {agree}")
    print("load: " + ", ".join(f"{k} {v:.1f}s" for k, v in load.items()) +
          f"; sanad first run of a, b, c (builds and saves the bitmaps): {build:.2f}s")
    print(f"engine kept open (sanad stats --queries): first round of a, b, c, loading the bitmaps: {opened:.3f}s")
    print("sanad = a `sanad stats` process per query; engine = the same engine kept open, timed per query")
    print(f"{'query':<24}{'sanad':>9}{'engine':>9}{'sqlite3':>10}{'pandas':>9}"
          f"{'sqlite3/sanad':>15}{'pandas/sanad':>14}{'sqlite3/engine':>16}{'pandas/engine':>15}")
    for q in "abc":
        sa, en, sq, pa = best[(q, "sanad")], best[(q, "engine")], best[(q, "sqlite3")], best[(q, "pandas")]
        print(f"{TITLES[q]:<24}{sa:>8.3f}s{en:>8.4f}s{sq:>9.3f}s{pa:>8.3f}s{sq / sa:>14.1f}x{pa / sa:>13.1f}x"
              f"{sq / en:>15.1f}x{pa / en:>14.1f}x")
    sys.stdout.flush()
    if not args.keep:
        shutil.rmtree(work)
    return agree


def main():
    ensure_pandas()
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sanad", default=os.path.join(ROOT, "build", "sanad"))
    ap.add_argument("--reference", default=os.path.join(ROOT, "..", "shared", "reference",
                                                        "ctdc", "ctdc-global-2020-subset.csv"))
    ap.add_argument("--keep", help="directory for the data and databases (kept between runs)")
    args = ap.parse_args()
    ok = True
    for n in (int(s.replace("_", "")) for s in args.sizes.split(",")):
        ok &= bench_size(n, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
