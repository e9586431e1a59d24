# Helpers the benchmark scripts of this directory source: the release binaries, a work
# directory cleaned up on exit, the local emulator on a free port, a dev_overrides CLI
# configuration for the provider (optionally wrapped in /usr/bin/time), the emulator's
# network, and the head of a configuration. Each script sets `set -euo pipefail` itself.
#
# After sourcing: $root, $provider_bin, $emulator, $work; bench_start_emulator sets $emu
# and $emu_pid and exports AWS_*; bench_network sets $subnets (an HCL list's items) and $sg.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
provider_bin=${PROVIDER_BIN:-$root/target/release/terraform-provider-lambda}
emulator=${EMULATOR_BIN:-$root/target/release/lambda-emulator}
for b in "$provider_bin" "$emulator"; do
  [ -x "$b" ] || { echo "missing $b: cargo build --release --workspace --bins" >&2; exit 1; }
done

work=$(mktemp -d)
emu_pid=
bench_cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; fi
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap bench_cleanup EXIT
[ -z "${KEEP_WORK:-}" ] || echo "work directory: $work (kept)" >&2

# bench_start_emulator [FLAG...]: starts the emulator (stopping the previous one) and
# points the AWS SDK's environment at it.
bench_start_emulator() {
  local port
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$emulator" --listen "127.0.0.1:$port" "$@" > "$work/emulator.log" 2>&1 &
  emu_pid=$!
  emu=http://127.0.0.1:$port
  for _ in $(seq 50); do curl -sf "$emu/_emulator/health" >/dev/null && break; sleep 0.1; done
  export AWS_ENDPOINT_URL=$emu AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test \
    AWS_SECRET_ACCESS_KEY=test TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
}

# bench_dev_overrides [TIME_FORMAT LOG]: Terraform starts the provider from $work/bin;
# with a format, through `/usr/bin/time -a -o LOG -f TIME_FORMAT` (each process's rusage).
bench_dev_overrides() {
  mkdir -p "$work/bin"
  if [ $# -eq 2 ]; then
    cat > "$work/bin/terraform-provider-lambda" <<SH
#!/bin/sh
exec /usr/bin/time -a -o "$2" -f "$1" "$provider_bin" "\$@"
SH
    chmod +x "$work/bin/terraform-provider-lambda"
  else
    ln -sf "$provider_bin" "$work/bin/terraform-provider-lambda"
  fi
  cat > "$work/dev.tfrc" <<TF
provider_installation {
  dev_overrides { "lambdakit/lambda" = "$work/bin" }
  direct {}
}
TF
  export TF_CLI_CONFIG_FILE=$work/dev.tfrc
}

# bench_network: three of the emulator's subnets and a security group.
bench_network() {
  subnets=$(curl -sf -X POST "$emu/" -d 'Action=DescribeSubnets&Version=2016-11-15' \
    | grep -o 'subnet-[0-9a-z]*' | sort -u | head -3 | sed 's/.*/"&"/' | paste -sd, -)
  sg=$(curl -sf -X POST "$emu/" -d 'Action=DescribeSecurityGroups&Version=2016-11-15' \
    | grep -o 'sg-[0-9a-zA-Z]*' | sort -u | head -1)
}

# bench_zip FILE: a small Python function's zip.
bench_zip() {
  python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("index.py", "def handler(event, context):\n    return event\n")' "$1"
}

# bench_terraform_block [PROVIDER_BODY]: the required_providers block, and a provider
# block with PROVIDER_BODY when given.
bench_terraform_block() {
  printf 'terraform {\n  required_providers {\n    lambda = { source = "lambdakit/lambda" }\n  }\n}\n'
  if [ -n "${1:-}" ]; then printf 'provider "lambda" {\n%s\n}\n' "$1"; fi
}

# The provider block of setup applies: the emulator enforces no quotas, so the setup
# need not send one capacity provider write per second (AWS's quota). Reads are paced
# only once throttled, which never happens here, so plans measured are not paced either.
BENCH_UNPACED_WRITES='  rate_limits {
    capacity_provider_writes = 100000
  }'
