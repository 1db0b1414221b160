#!/usr/bin/env bash
# Data-parallel scaling on this machine: training steps/s of one process with 1 thread, one process with 2 threads,
# and 2 MPI ranks with 1 thread each (mpirun --oversubscribe --allow-run-as-root -np 2), plus the all-reduce time and
# bytes per step the 2-rank run reports. Usage: bench/scaling.sh [MODEL ...] (default: mlp hhnn cnn lstm).
# Each run: 100 training steps of a global batch of 64 (6400 samples, no validation), then the usual test pass
# (not timed). Prints one table row per model; the metrics files stay in $OUT (default: runs/scaling-<time>).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HHNN="$ROOT/hhnn"
OUT="${OUT:-$ROOT/runs/scaling-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
models=("$@"); [[ ${#models[@]} -eq 0 ]] && models=(mlp hhnn cnn lstm)
"$HHNN" info >/dev/null   # installs and builds once, before any rank starts

field() {   # field FILE KEY: a number from a metrics file (epochs[0].samples_per_s or a top-level key)
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); k=sys.argv[2]
print(m["epochs"][0]["samples_per_s"] if k=="samples_per_s" else m.get(k, ""))' "$1" "$2"
}

printf '%-6s %10s %12s %12s %12s %10s %12s %14s\n' model params "1p×1t st/s" "1p×2t st/s" "2r×1t st/s" "2r/1p×2t" "allreduce ms" "MB per step"
for model in "${models[@]}"; do
  case $model in
    lstm*) data=(--dataset names) ;;
    hhnn) data=(--dataset fashion-mnist --set neurons=128 --set steps=100) ;;
    *) data=(--dataset fashion-mnist) ;;
  esac
  common=(train --model "$model" "${data[@]}" --limit-train 6400 --val-split 0 --batch-size 64 --epochs 1 --backend cpu --no-progress)
  "$HHNN" "${common[@]}" --threads 1 --metrics-out "$OUT/$model-1p1t.json" >/dev/null 2>&1
  "$HHNN" "${common[@]}" --threads 2 --metrics-out "$OUT/$model-1p2t.json" >/dev/null 2>&1
  mpirun --oversubscribe --allow-run-as-root -np 2 "$HHNN" "${common[@]}" --metrics-out "$OUT/$model-2r1t.json" >/dev/null 2>&1
  s11=$(field "$OUT/$model-1p1t.json" samples_per_s); s12=$(field "$OUT/$model-1p2t.json" samples_per_s)
  s21=$(field "$OUT/$model-2r1t.json" samples_per_s)
  ar=$(field "$OUT/$model-2r1t.json" allreduce_seconds_per_step); bytes=$(field "$OUT/$model-2r1t.json" allreduce_bytes_per_step)
  params=$(field "$OUT/$model-1p1t.json" params)
  python3 - "$model" "$params" "$s11" "$s12" "$s21" "$ar" "$bytes" <<'PY'
import sys
m, p, s11, s12, s21, ar, b = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
print(f"{m:<6} {p:>10,} {s11/64:>12.2f} {s12/64:>12.2f} {s21/64:>12.2f} {s21/s12:>10.2f} {ar*1e3:>12.2f} {b/1e6:>14.2f}")
PY
done
echo "metrics in $OUT" >&2
