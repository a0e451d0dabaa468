#!/usr/bin/env python3
"""Time from process start to the walk's first prompt, through a real pty.

Usage: benches/first_prompt.py [BINARY] [RUNS]
"""
import os, pty, select, statistics, sys, time

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/sij-screen"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
times = []
for _ in range(runs):
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["NO_COLOR"] = "1"
        os.execv(binary, [binary])
    out = b""
    while b"Press Enter to start." not in out:
        r, _, _ = select.select([fd], [], [], 5)
        if not r:
            sys.exit("no prompt within 5 s")
        out += os.read(fd, 4096)
    times.append((time.perf_counter() - start) * 1000)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    os.close(fd)
print(f"time to first prompt: median {statistics.median(times):.1f} ms, "
      f"min {min(times):.1f} ms, max {max(times):.1f} ms over {runs} runs")
