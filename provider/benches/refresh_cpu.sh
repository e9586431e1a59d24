#!/usr/bin/env bash
# The provider's CPU per resource per plan (refresh + plan), measured like a user sees it:
# `terraform plan` of N capacity providers in state against the local emulator, next to the
# same N of `terraform_data` (Terraform's own cost). Reports
# - the plan's CPU (user+system of terraform and every process it starts, from getrusage
#   of the children; best of 5) minus terraform_data's: what a user pays per resource;
# - the provider processes' own CPU (Terraform starts the provider three times per plan),
#   read by `/usr/bin/time` around the binary: the provider's part of that.
#
#   provider/benches/refresh_cpu.sh [N]            # N defaults to 30; release binaries
#   PROVIDER_BIN=/other/target/release/terraform-provider-lambda provider/benches/refresh_cpu.sh 30
#
# Needs `cargo build --release --workspace --bins` first, terraform on PATH, python3,
# /usr/bin/time (Debian package `time`).
set -euo pipefail
N=${1:-30}
source "$(dirname "$0")/lib.sh"
bench_start_emulator
# Terraform starts the provider through /usr/bin/time: each process's CPU.
bench_dev_overrides "%U %S" "$work/provider-cpu.log"
bench_network

mkdir -p "$work/base" "$work/cp"
cat > "$work/base/main.tf" <<TF
resource "terraform_data" "d" {
  count = $N
  input = "d-\${count.index}"
}
TF
bench_terraform_block "$BENCH_UNPACED_WRITES" > "$work/cp/main.tf"
cat >> "$work/cp/main.tf" <<TF
resource "lambda_capacity_provider" "p" {
  count = $N
  name  = "cpu-\${count.index}"
  vpc_config {
    subnet_ids         = [$subnets]
    security_group_ids = ["$sg"]
  }
  permissions_config {
    capacity_provider_operator_role_arn = "arn:aws:iam::123456789012:role/lambda-operator"
  }
  capacity_provider_scaling_config {
    scaling_mode = "Auto"
  }
  tags = { env = "cpu" }
}
TF
(cd "$work/base" && terraform apply -auto-approve -input=false >/dev/null)
(cd "$work/cp" && terraform apply -auto-approve -input=false -parallelism=20 >/dev/null)

# CPU seconds (user+sys) of `terraform plan` and its children, best of 5.
cpu() {
  python3 - "$1" <<'PY'
import os, resource, subprocess, sys
best = None
for _ in range(5):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["terraform", "plan", "-input=false", "-lock=false"], cwd=sys.argv[1],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    best = used if best is None else min(best, used)
print(f"{best:.3f}")
PY
}
base=$(cpu "$work/base")
: > "$work/provider-cpu.log"
prov=$(cpu "$work/cp")
python3 - "$N" "$base" "$prov" "$work/provider-cpu.log" <<'PY'
import sys
n, base, prov = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
# Five plans, three provider processes each: the provider's own CPU per plan.
own = [sum(map(float, line.split()[:2])) for line in open(sys.argv[4]) if line.strip()]
per_plan = sum(own) / 5
print(f"plan of {n}: terraform_data {base:.3f} s CPU, lambda_capacity_provider {prov:.3f} s CPU; "
      f"difference {prov - base:.3f} s = {(prov - base) / n * 1000:.2f} ms per capacity provider; "
      f"provider processes {per_plan:.3f} s per plan = {per_plan / n * 1000:.2f} ms per capacity provider")
PY
