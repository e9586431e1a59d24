#!/usr/bin/env bash
# What `terraform plan` costs Terraform for resources of *any* plugin provider, next to
# this provider's and to `terraform_data`: three configurations of N resources each,
# planned alternately, RUNS times:
#
# - `terraform_data` with one short string (the floor of `perf-plan-scale` and of
#   `plan_scale.sh`: Terraform's own cost, no plugin);
# - `example_thing` of tfplug's example provider (`tfplug/tests/common/example_provider.rs`,
#   served by the `dev_overrides` test binary): a plugin resource of 8 attributes whose
#   refresh reads a small file, so nearly all of its cost is Terraform's and the plugin
#   protocol's. With latency, its read sleeps LATENCY_MS once (EXAMPLE_READ_DELAY_MS): a
#   refresh that is one round trip and nothing else, the best any provider can do;
# - `lambda_capacity_provider` of this provider against the emulator (the configuration
#   of `perf-plan-scale`), with LATENCY_MS on every AWS call.
#
#   provider/benches/provider_floor.sh [N]         # N defaults to 100; RUNS=8 LATENCY_MS=20
#
# Prints, per configuration and with and without latency: wall time of the plan (min and
# median), CPU of terraform and every process it starts (median), the plugin processes'
# own CPU (median; Terraform starts a provider three times per plan), and with latency
# the ratio to `perf-plan-scale`'s floor (terraform_data + N x 2 calls x latency / 10).
#
# Needs `cargo build --release --workspace --bins`; builds the example provider with
# `cargo test --release -p tfplug --test dev_overrides --no-run`. Also terraform (>= 1.11),
# python3, curl, jq and /usr/bin/time.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
n=${1:-100}
runs=${RUNS:-8}
latency=${LATENCY_MS:-20}

example_test_bin=$(cd "$root" && cargo test --release -q -p tfplug --test dev_overrides \
  --no-run --message-format=json 2>/dev/null \
  | jq -r 'select(.reason == "compiler-artifact" and .executable != null) | .executable' | tail -1)
[ -x "$example_test_bin" ] || { echo "could not build the example provider" >&2; exit 1; }

# Each provider runs through /usr/bin/time, appending its processes' CPU to a log.
mkdir -p "$work/bin" "$work/store"
wrap() { # wrap NAME BINARY LOG
  printf '#!/bin/sh\nexec /usr/bin/time -a -o "%s" -f "%%U %%S" "%s" "$@"\n' "$3" "$2" \
    > "$work/bin/$1"
  chmod +x "$work/bin/$1"
}
wrap terraform-provider-lambda "$provider_bin" "$work/lambda.rusage"
wrap terraform-provider-example "$example_test_bin" "$work/example.rusage"
cat > "$work/dev.tfrc" <<TF
provider_installation {
  dev_overrides {
    "lambdakit/lambda" = "$work/bin"
    "tfplug/example"   = "$work/bin"
  }
  direct {}
}
TF
export TF_CLI_CONFIG_FILE=$work/dev.tfrc

bench_start_emulator
bench_network
mkdir -p "$work/data" "$work/example" "$work/lambda"
cat > "$work/data/main.tf" <<TF
resource "terraform_data" "d" {
  count = $n
  input = "d-\${count.index}"
}
TF
cat > "$work/example/main.tf" <<TF
terraform {
  required_providers {
    example = { source = "tfplug/example" }
  }
}
provider "example" {
  store_dir = "$work/store"
}
resource "example_thing" "x" {
  count    = $n
  name     = "t\${count.index}"
  endpoint = { host = "h" }
}
TF
{ bench_terraform_block "$BENCH_UNPACED_WRITES"; cat <<TF
resource "lambda_capacity_provider" "p" {
  count = $n
  name  = "floor-\${count.index}"
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
TF
} > "$work/lambda/main.tf"
for d in data example lambda; do
  terraform -chdir="$work/$d" apply -auto-approve -parallelism=20 -input=false -no-color \
    > "$work/$d/apply.log" 2>&1 || { tail -20 "$work/$d/apply.log" >&2; exit 1; }
done

# One plan of directory $1: appends "wall_ms cpu_ms plugin_cpu_ms" to $work/$1.$2.
plan_once() {
  local dir=$1 phase=$2 log= s e before=0 after=0
  case $dir in lambda) log=$work/lambda.rusage ;; example) log=$work/example.rusage ;; esac
  [ -z "$log" ] || before=$(awk '{s += $1 + $2} END {printf "%d", s * 1000}' "$log" 2>/dev/null || echo 0)
  s=$(date +%s%N)
  /usr/bin/time -o "$work/tf.time" -f "%U %S" \
    terraform -chdir="$work/$dir" plan -input=false -no-color > "$work/$dir/plan.log" 2>&1 \
    || { tail -20 "$work/$dir/plan.log" >&2; exit 1; }
  e=$(( ($(date +%s%N) - s) / 1000000 ))
  [ -z "$log" ] || after=$(awk '{s += $1 + $2} END {printf "%d", s * 1000}' "$log")
  echo "$e $(awk '{printf "%d", ($1 + $2) * 1000}' "$work/tf.time") $((after - before))" \
    >> "$work/$dir.$phase"
}

measure() { # measure PHASE
  for _ in $(seq "$runs"); do
    for d in data example lambda; do plan_once "$d" "$1"; done
  done
}

measure quiet
curl -sf -X POST "$emu/_emulator/faults" -H 'content-type: application/json' \
  -d "{\"operation\":\"*\",\"kind\":\"latency\",\"latency_ms\":$latency}" > /dev/null
export EXAMPLE_READ_DELAY_MS=$latency
measure latency

# min and median of column $2 of file $1
stats() { sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {printf "%d / %d", v[1], v[int((NR + 1) / 2)]}'; }
median() { cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

floor=$(( $(cut -d' ' -f1 "$work/data.latency" | sort -n | head -1) + n * 2 * latency / 10 ))
echo "N = $n, $runs plans of each, alternating; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| configuration | latency | plan wall min / median (ms) | CPU of terraform and its children, median (ms) | plugin processes CPU, median (ms) | min / floor |\n'
printf '|---|---|---|---|---|---|\n'
for phase in quiet latency; do
  for d in data example lambda; do
    f=$work/$d.$phase
    ratio=-
    [ "$phase" = latency ] && ratio=$(awk -v m="$(sort -n "$f" | head -1 | cut -d' ' -f1)" -v fl="$floor" 'BEGIN {printf "%.2f", m / fl}')
    lat=0; [ "$phase" = latency ] && lat=$latency
    printf '| %s | %s ms | %s | %s | %s | %s |\n' "$d" "$lat" "$(stats "$f" 1)" "$(median "$f" 2)" \
      "$(median "$f" 3)" "$ratio"
  done
done
echo "floor (perf-plan-scale): best terraform_data plan with latency + $n x 2 x $latency / 10 = $floor ms"
