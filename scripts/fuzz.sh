#!/usr/bin/env bash
# `npm run fuzz [SECONDS] [TARGET...]`: runs every fuzz target of fuzz/ (or those named) for SECONDS each
# (default 60) under libFuzzer, its
# corpus seeded from the fixtures, and prints the executions and crashes of each. Exit 1 when a target crashed:
# its input is in fuzz/artifacts/TARGET/ (replay: cargo +nightly fuzz run TARGET FILE); once fixed, copy it to
# fuzz/regressions/TARGET/, which `cargo test --test properties` (in npm test) replays. Targets run one after
# the other: the machine's cores are shared.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: npm run fuzz [SECONDS] [TARGET...]" >&2; exit 2; }
shift || true

bash scripts/bootstrap.sh fuzz
export PATH="$HOME/.cargo/bin:$PATH"

targets=(scanner redactor log_jira_access log_application log_bitbucket_access log_confluence_access trusted xff monitor archive)
if [ $# -gt 0 ]; then targets=("$@"); fi
node scripts/fuzz-seeds.mjs
echo "fuzz: building the targets (nightly, with sanitizers)" >&2
cargo +nightly fuzz build >&2

mkdir -p fuzz/logs
summary=()
failed=0
for t in "${targets[@]}"; do
  case "$t" in
    scanner|redactor|monitor) max_len=262144 ;;
    archive) max_len=65536 ;;
    *) max_len=16384 ;;
  esac
  mkdir -p "fuzz/artifacts/$t"
  before=$(find "fuzz/artifacts/$t" -type f | wc -l)
  echo "fuzz: $t for $seconds s" >&2
  log="fuzz/logs/$t.log"
  status=0
  # -timeout: an input that takes 30 s is a hang; -rss_limit_mb: memory must stay bounded.
  cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$seconds" -max_len="$max_len" \
    -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  crashes=$(( $(find "fuzz/artifacts/$t" -type f | wc -l) - before ))
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes="? (exit $status, see $log)"; fi
  [ "$status" -ne 0 ] && failed=1
  summary+=("$(printf '%-24s %12s executions  %s crashes' "$t" "${execs:-0}" "$crashes")")
done

echo
echo "harlens fuzzing, $seconds s per target ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
printf '%s\n' "${summary[@]}"
exit $failed
