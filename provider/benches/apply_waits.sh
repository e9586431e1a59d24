#!/usr/bin/env bash
# Apply of the critical path capacity provider -> durable function on it -> published
# version with scaling, against the local emulator with its transition delays set to
# seconds: how long the provider's waits take next to the transitions they wait for.
#
#   provider/benches/apply_waits.sh                       # best of RUNS (default 3)
#   CP_MS=4000 FN_MS=3000 VERSION_MS=3000 SCALING_MS=2000 RUNS=5 provider/benches/apply_waits.sh
#   PROVIDER_BIN=/other/target/release/terraform-provider-lambda provider/benches/apply_waits.sh
#
# The critical path is timed from Terraform's machine-readable UI (`terraform apply -json`:
# `apply_start` of the capacity provider to `apply_complete` of the version, microsecond
# timestamps), and each resource from its own `apply_start` to `apply_complete`. The
# delays on the path: capacity provider Pending -> Active (CP_MS), function Pending ->
# Active (FN_MS), version Pending -> Active (VERSION_MS), scaling Requested -> Applied
# (SCALING_MS). Target: critical path <= 1.1 x (sum of the delays) + 250 ms per wait.
#
# Needs `cargo build --release --workspace --bins` first, terraform (>= 1.11) on PATH,
# python3 and curl.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs=${RUNS:-3}
cp_ms=${CP_MS:-4000} fn_ms=${FN_MS:-3000} version_ms=${VERSION_MS:-3000} scaling_ms=${SCALING_MS:-2000}
bench_start_emulator --capacity-provider-delay-ms "$cp_ms" \
  --function-delay-ms "$fn_ms" --version-delay-ms "$version_ms" \
  --scaling-delay-ms "$scaling_ms" --update-delay-ms "$fn_ms"
bench_dev_overrides
bench_zip "$work/fn.zip"
bench_network

for run in $(seq "$runs"); do
  dir=$work/run-$run
  mkdir -p "$dir"
  bench_terraform_block > "$dir/main.tf"
  cat >> "$dir/main.tf" <<TF
resource "lambda_capacity_provider" "p" {
  name = "path-$run"
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
}
resource "lambda_durable_function" "f" {
  function_name    = "path-$run"
  role             = "arn:aws:iam::123456789012:role/path"
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
      capacity_provider_arn = lambda_capacity_provider.p.arn
    }
  }
}
resource "lambda_function_version" "v" {
  function_name = lambda_durable_function.f.function_name
  triggers = {
    code = lambda_durable_function.f.code_sha256
  }
  function_scaling_config {
    min_execution_environments = 3
    max_execution_environments = 6
  }
}
TF
  (cd "$dir" && terraform apply -auto-approve -input=false -json > "$work/apply-$run.json" 2> "$work/apply-$run.err") \
    || { tail -20 "$work/apply-$run.err" "$work/apply-$run.json" >&2; exit 1; }
done

python3 - "$work" "$runs" "$cp_ms" "$fn_ms" "$version_ms" "$scaling_ms" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import datetime, json, sys
work, runs = sys.argv[1], int(sys.argv[2])
cp, fn, ver, sc = (int(x) / 1000 for x in sys.argv[3:7])
load = sys.argv[7]
delays = {"lambda_capacity_provider.p": cp, "lambda_durable_function.f": fn,
          "lambda_function_version.v": ver + sc}
total = cp + fn + ver + sc
waits = 4
target = 1.1 * total + 0.25 * waits

def ts(m):
    return datetime.datetime.fromisoformat(m["@timestamp"]).timestamp()

results = []
for run in range(1, runs + 1):
    start, done = {}, {}
    for line in open(f"{work}/apply-{run}.json"):
        m = json.loads(line)
        addr = m.get("hook", {}).get("resource", {}).get("addr")
        if m.get("type") == "apply_start":
            start[addr] = ts(m)
        elif m.get("type") == "apply_complete":
            done[addr] = ts(m)
    path = done["lambda_function_version.v"] - start["lambda_capacity_provider.p"]
    each = {a: done[a] - start[a] for a in delays}
    results.append((path, each))
path, each = min(results, key=lambda r: r[0])
print(f"delays: capacity provider {cp:.1f} s, function {fn:.1f} s, version {ver:.1f} s + scaling {sc:.1f} s; "
      f"sum {total:.1f} s over {waits} waits; load {load}")
print(f"critical path (best of {runs}; all: {', '.join(f'{r[0]:.2f}' for r in results)} s): {path:.2f} s = "
      f"{path / total:.3f} x the delays; target <= {target:.2f} s (1.1 x delays + {waits} x 250 ms): "
      f"{'met' if path <= target else 'NOT met'}")
for a, d in delays.items():
    print(f"  {a}: {each[a]:.2f} s for {d:.1f} s of transitions (+{each[a] - d:.2f} s)")
PY
