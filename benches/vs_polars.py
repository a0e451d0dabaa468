#!/usr/bin/env python3
"""`sij-screen batch` side by side with its polars peer, on the same generated file.

    python3 benches/vs_polars.py [--rows 1000000] [--runs 3] [--threads 1,2] [--bin PATH]

Builds the release binary and the case generator, installs polars with pip if it is missing, writes
ROWS synthetic cases (seed 7) as CSV and JSON Lines, and 200,000 copies of examples/cases/met.yaml's
answers as JSON Lines. Then, alternating the two tools run by run, it times `batch` and
benches/polars_nass.py on the CSV, checks that they give the same outcome and criteria on every row,
and prints medians of wall time, cases per second, peak memory and the ratio. It also times `batch` on
both JSON Lines files at each thread count. Wall time is measured around each process; peak memory is
the child's maximum resident set size (from wait4), so no GNU time is needed.
"""
import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "sij-screen")
GEN = os.path.join(ROOT, "target", "release", "examples", "gen_cases")


GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (wall seconds, peak RSS in MB, exit code). Peak memory comes from GNU time
    when it is installed (the child's own maximum RSS); without it, from wait4, which also counts
    the forked Python before exec and so overstates small programs.

    Dirty pages are flushed first (as hyperfine's `--prepare sync`), so a run does not pay for the
    previous run's writes: the polars peer leaves its output to the kernel to write back, while
    `batch -o` syncs its own file before renaming it into place, and without this it waited behind
    the peer's write-back (batch runs from 0.42 to 0.61 s on one file)."""
    os.sync()
    with tempfile.NamedTemporaryFile("r") as peak:
        full = [GNU_TIME, "-f", "%M", "-o", peak.name, *cmd] if GNU_TIME else cmd
        start = time.perf_counter()
        p = subprocess.Popen(full, stdout=stdout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        kb = usage.ru_maxrss
        if GNU_TIME:
            text = peak.read().strip().splitlines()
            kb = int(text[-1]) if text and text[-1].isdigit() else kb
    return wall, kb / 1024, code


def ensure_polars():
    try:
        import polars  # noqa: F401
    except ImportError:
        print("installing polars with pip ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "polars"])
    import polars
    return polars.__version__


def same_results(batch_csv, peer_csv):
    """Every row: the same case id, outcome and criterion values."""
    with open(batch_csv, newline="") as a, open(peer_csv, newline="") as b:
        ra, rb = csv.reader(a), csv.reader(b)
        ha, hb = next(ra), next(rb)
        cols = [ha.index(c) for c in hb]
        rows = 0
        for x, y in zip(ra, rb):
            if [x[i] for i in cols] != y:
                return False, rows
            rows += 1
        return next(ra, None) is None and next(rb, None) is None, rows


def met_jsonl(path, copies):
    """copies lines, each examples/cases/met.yaml's answers as one JSON object."""
    answers = {}
    text = open(os.path.join(ROOT, "examples", "cases", "met.yaml")).read().split("answers:", 1)[1]
    for line in text.splitlines():
        m = re.match(r"\s+(\w+):\s*(.*)$", line)
        if not m:
            continue
        key, value = m.groups()
        if value.startswith("["):
            answers[key] = [v.strip() for v in value.strip("[]").split(",") if v.strip()]
        elif re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
            answers[key] = float(value) if "." in value else int(value)
        else:
            answers[key] = value
    line = json.dumps(answers) + "\n"
    with open(path, "w") as f:
        for _ in range(copies):
            f.write(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--bin", default=None,
                    help="time this sij-screen binary instead of the release build "
                         "(to compare two builds on one machine state)")
    args = ap.parse_args()
    global BIN
    if args.bin:
        BIN = os.path.abspath(args.bin)
    threads = [int(t) for t in args.threads.split(",")]

    subprocess.check_call(["cargo", "build", "--release", "--quiet", "--bin", "sij-screen",
                           "--example", "gen_cases"], cwd=ROOT)
    polars_version = ensure_polars()
    peer = os.path.join(ROOT, "benches", "polars_nass.py")
    with tempfile.TemporaryDirectory() as d:
        cases = os.path.join(d, "cases.csv")
        cases_jsonl = os.path.join(d, "cases.jsonl")
        copies = os.path.join(d, "met200k.jsonl")
        with open(cases, "w") as f:
            subprocess.check_call([GEN, "--rows", str(args.rows), "--seed", "7"], stdout=f)
        with open(cases_jsonl, "w") as f:
            subprocess.check_call([GEN, "--rows", str(args.rows), "--seed", "7", "--jsonl"], stdout=f)
        met_jsonl(copies, 200_000)
        size = os.path.getsize(cases) / 1e6
        print(f"{os.uname().nodename}: {os.cpu_count()} cores; polars {polars_version}")
        print(f"input: {args.rows:,} cases, {size:.0f} MB CSV (nass-2015)")

        out_batch, out_peer = os.path.join(d, "batch.csv"), os.path.join(d, "peer.csv")
        times = {"batch": [], "polars": []}
        peaks = {"batch": [], "polars": []}
        for _ in range(args.runs):  # alternate, so both see the same machine state
            w, m, rc = run([BIN, "batch", cases, "-o", out_batch])
            times["batch"].append(w)
            peaks["batch"].append(m)
            w, m, rc2 = run([sys.executable, peer, cases, out_peer])
            times["polars"].append(w)
            peaks["polars"].append(m)
            if rc not in (0, 1) or rc2 != 0:
                sys.exit(f"a run failed: batch exit {rc}, polars exit {rc2}")
        same, rows = same_results(out_batch, out_peer)
        print(f"identical outcomes and criteria on all {rows:,} rows: {'yes' if same else 'NO'}")
        tb, tp = statistics.median(times["batch"]), statistics.median(times["polars"])
        for name, t in (("batch", tb), ("polars", tp)):
            print(f"  {name:7} median {t:.2f} s wall ({args.rows / t:,.0f} cases/s), "
                  f"peak {max(peaks[name]):.0f} MB  [runs: {', '.join(f'{x:.2f}' for x in times[name])}]")
        print(f"  ratio: batch is {tp / tb:.2f}x faster than polars (goal: 3x)")

        print("threads (CSV and JSON Lines, median wall):")
        for label, path, n in (("CSV 1M", cases, args.rows), ("JSON Lines 1M", cases_jsonl, args.rows),
                               ("JSON Lines 200k copies of met", copies, 200_000)):
            for t in threads:
                runs = [run([BIN, "batch", "-j", str(t), path, "-o", os.path.join(d, "o")]) for _ in range(args.runs)]
                w = statistics.median(r[0] for r in runs)
                print(f"  {label:30} -j {t}: {w:.2f} s, {n / w:,.0f} cases/s, peak {max(r[1] for r in runs):.0f} MB")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
