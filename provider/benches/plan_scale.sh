#!/usr/bin/env bash
# Plan (refresh + plan) of N resources of this provider against the local emulator with
# 20 ms of latency on every AWS call and Terraform's default parallelism (10), next to the
# same N of `terraform_data` (Terraform's own cost) and N `terraform_data` whose input is
# the attributes of one of the provider's resources (Terraform's own cost for state of
# this size; it keeps them twice, as input and output). The N resources are groups of five:
# one capacity provider, two durable functions on it, and one published version of each
# (capacity providers : durable functions : versions = 1 : 2 : 2).
#
#   provider/benches/plan_scale.sh [N ...]        # N defaults to "100 500"; multiples of 5
#   RUNS=5 LATENCY_MS=20 provider/benches/plan_scale.sh 100
#   PROVIDER_BIN=/other/target/release/terraform-provider-lambda provider/benches/plan_scale.sh 100
#   KEEP_WORK=1 provider/benches/plan_scale.sh 100   # keep the configurations, states and logs
#
# For each N it prints, best of RUNS (default 3) plans each:
# - wall time of `terraform plan` for the provider's resources and for both terraform_data;
# - the floor = terraform_data + (minimum AWS calls of one refresh of all N) x latency / 10,
#   and the ratio to it (target <= 1.10);
# - the AWS calls per resource per plan, by operation (from the emulator's `/_emulator/calls`);
# - the provider processes' CPU per resource per plan (user + system; Terraform starts the
#   provider three times per plan) and their peak RSS (from /usr/bin/time, without latency).
#
# Needs `cargo build --release --workspace --bins` first, terraform (>= 1.11) on PATH,
# python3, curl, jq and /usr/bin/time (Debian packages `jq`, `time`).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs=${RUNS:-3}
latency=${LATENCY_MS:-20}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 500)

# Terraform starts the provider through /usr/bin/time: each process's CPU and peak RSS.
bench_dev_overrides "%U %S %M" "$work/provider-rusage.log"
bench_zip "$work/fn.zip"

# Wall milliseconds of the best of $runs `terraform plan` in directory $1.
best_plan_ms() {
  local best= s e
  for _ in $(seq "$runs"); do
    s=$(date +%s%N)
    (cd "$1" && terraform plan -input=false -lock=false -no-color > "$work/plan.out" 2>&1) \
      || { tail -20 "$work/plan.out" >&2; return 1; }
    e=$(( ($(date +%s%N) - s) / 1000000 ))
    if [ -z "$best" ] || [ "$e" -lt "$best" ]; then best=$e; fi
  done
  echo "$best"
}

for n in "${sizes[@]}"; do
  [ $((n % 5)) -eq 0 ] || { echo "N must be a multiple of 5 (got $n)" >&2; exit 1; }
  groups=$((n / 5))
  bench_start_emulator
  bench_network
  base=$work/base-$n lam=$work/lambda-$n
  mkdir -p "$base" "$lam"
  cat > "$base/main.tf" <<TF
resource "terraform_data" "d" {
  count = $n
  input = "d-\${count.index}"
}
TF
  bench_terraform_block "$BENCH_UNPACED_WRITES" > "$lam/main.tf"
  cat >> "$lam/main.tf" <<TF
resource "lambda_capacity_provider" "p" {
  count = $groups
  name  = "scale-\${count.index}"
  vpc_config {
    subnet_ids         = [$subnets]
    security_group_ids = ["$sg"]
  }
  permissions_config {
    capacity_provider_operator_role_arn = "arn:aws:iam::123456789012:role/lambda-operator"
  }
  instance_requirements {
    architectures = ["arm64"]
  }
  tags = { env = "scale" }
}
resource "lambda_durable_function" "f" {
  count            = $((groups * 2))
  function_name    = "scale-\${count.index}"
  role             = "arn:aws:iam::123456789012:role/scale"
  runtime          = "python3.13"
  handler          = "index.handler"
  filename         = "$work/fn.zip"
  source_code_hash = filebase64sha256("$work/fn.zip")
  architectures    = ["arm64"]
  memory_size      = 2048
  durable_config {
    execution_timeout = 3600
  }
  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn = lambda_capacity_provider.p[floor(count.index / 2)].arn
    }
  }
  tags = { env = "scale" }
}
resource "lambda_function_version" "v" {
  count         = $((groups * 2))
  function_name = lambda_durable_function.f[count.index].function_name
  triggers = {
    code = lambda_durable_function.f[count.index].code_sha256
  }
}
TF
  (cd "$base" && terraform apply -auto-approve -input=false > "$work/apply.out" 2>&1) \
    || { tail -20 "$work/apply.out" >&2; exit 1; }
  (cd "$lam" && terraform apply -auto-approve -input=false -parallelism=50 > "$work/apply.out" 2>&1) \
    || { tail -20 "$work/apply.out" >&2; exit 1; }

  # Terraform's own cost for states this size: terraform_data whose input is each
  # resource's attributes (Terraform keeps it twice: input and output).
  payload=$work/payload-$n
  mkdir -p "$payload"
  (cd "$lam" && terraform show -json) | python3 -c '
import json, sys
state = json.load(sys.stdin)
rs = state["values"]["root_module"]["resources"]
json.dump([r["values"] for r in rs], open(sys.argv[1], "w"))' "$payload/payload.json"
  cat > "$payload/main.tf" <<TF
locals {
  payload = jsondecode(file("\${path.module}/payload.json"))
}
resource "terraform_data" "d" {
  count = $n
  input = local.payload[count.index]
}
TF
  (cd "$payload" && terraform apply -auto-approve -input=false > "$work/apply.out" 2>&1) \
    || { tail -20 "$work/apply.out" >&2; exit 1; }

  # CPU and peak RSS without latency (best of 5 plans by provider CPU).
  : > "$work/provider-rusage.log"
  for _ in 1 2 3 4 5; do
    (cd "$lam" && terraform plan -input=false -lock=false > /dev/null 2>&1)
  done
  cpu_rss=$(python3 - "$n" "$work/provider-rusage.log" <<'PY'
import sys
n = int(sys.argv[1])
rows = [line.split() for line in open(sys.argv[2]) if line.strip()]
plans = [rows[i:i + 3] for i in range(0, len(rows) - len(rows) % 3, 3)]
cpu = min(sum(float(r[0]) + float(r[1]) for r in p) for p in plans)
rss = max(int(r[2]) for r in rows)
print(f"{cpu / n * 1000:.2f} ms/resource ({cpu:.2f} s per plan, {len(plans)} plans), peak RSS {rss / 1024:.1f} MiB")
PY
)

  # Wall time with latency on every call.
  curl -sf -X POST "$emu/_emulator/faults" -H 'content-type: application/json' \
    -d "{\"operation\":\"*\",\"kind\":\"latency\",\"latency_ms\":$latency}" > /dev/null
  tb=$(best_plan_ms "$base")
  tpay=$(best_plan_ms "$payload")
  curl -sf -X DELETE "$emu/_emulator/calls" > /dev/null
  tp=$(best_plan_ms "$lam")
  calls=$(curl -sf "$emu/_emulator/calls")
  # Minimum calls of one refresh: capacity provider 2 (GetCapacityProvider has no tags:
  # + ListTags), durable function 1 (GetFunction carries the tags), version 2 (GetFunction
  # of the qualified ARN + GetFunctionScalingConfig, which GetFunction does not carry).
  min_calls=$((groups * 2 + groups * 2 * 1 + groups * 2 * 2))
  floor=$((tb + min_calls * latency / 10))
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "N=$n ($groups capacity providers, $((groups * 2)) durable functions, $((groups * 2)) versions), load $load"
  echo "  plan wall (best of $runs): provider ${tp} ms, terraform_data ${tb} ms, provider's share $((tp - tb)) ms"
  echo "  terraform_data carrying the same attributes: ${tpay} ms; provider's share over it $((tp - tpay)) ms"
  echo "  floor ${floor} ms (terraform_data + $min_calls calls x ${latency} ms / 10); ratio $(awk "BEGIN{printf \"%.2f\", $tp/$floor}") (target <= 1.10)"
  echo "$calls" | jq -r --argjson n "$n" --argjson runs "$runs" \
    '"  AWS calls per resource per plan: \((([.[] | .calls] | add) / $runs / $n) * 100 | round / 100)", (to_entries[] | "    \(.key): \(.value.calls / $runs) per plan")'
  echo "  provider CPU per plan: $cpu_rss"
  kill "$emu_pid" 2>/dev/null || true
  wait "$emu_pid" 2>/dev/null || true
  emu_pid=
done
