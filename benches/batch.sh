#!/usr/bin/env bash
# End-to-end batch benchmark: generate N synthetic cases (default 1,000,000),
# screen them with `sij-screen batch`, print cases per second and peak memory.
#
#   benches/batch.sh [ROWS] [RULES]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
rules=${2:-nass-2015}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

cargo build --release --quiet --bin sij-screen --example gen_cases
./target/release/examples/gen_cases --rows "$rows" --seed 42 --rules "$rules" > "$dir/cases.csv"
echo "input: $rows rows, $(du -h "$dir/cases.csv" | cut -f1)"

# GNU time gives peak RSS; fall back to wall time alone without it.
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f '%e %M' -o "$dir/time" \
    ./target/release/sij-screen batch "$dir/cases.csv" --rules "$rules" -o "$dir/out.csv" 2>/dev/null || true
  read -r secs kb < "$dir/time"
else
  start=$(date +%s.%N)
  ./target/release/sij-screen batch "$dir/cases.csv" --rules "$rules" -o "$dir/out.csv" 2>/dev/null || true
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  kb=0
fi
screened=$(($(wc -l < "$dir/out.csv") - 1))
python3 - "$screened" "$secs" "$kb" <<'PY'
import sys
n, secs, kb = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"screened {n} cases in {secs:.2f} s: {n / secs:,.0f} cases/s, peak memory {kb / 1024:.1f} MB")
PY
