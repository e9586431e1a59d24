#!/usr/bin/env bash
# Applies one example against a freshly started local emulator, checks that a second
# plan is empty, then destroys it.
#
#   examples/run.sh quickstart            # from the repository root (or anywhere)
#   examples/quickstart/run.sh            # the same, through the example's own script
#
# Needs cargo and terraform (>= 1.5) on PATH; nothing is downloaded besides crates.
# KEEP=1 leaves the capacity provider and the emulator running (Ctrl-C to stop).
set -euo pipefail

examples="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$examples/.." && pwd)"
name="${1:?usage: examples/run.sh EXAMPLE (a directory of examples/)}"
here="$examples/$name"
[[ -f "$here/main.tf" ]] || { echo "no example $name in $examples" >&2; exit 1; }
target="${CARGO_TARGET_DIR:-$root/target}"

command -v terraform >/dev/null || { echo "terraform not found on PATH" >&2; exit 1; }

echo "==> building the provider and the emulator"
(cd "$root" && CARGO_TARGET_DIR="$target" cargo build --quiet \
    -p terraform-provider-lambda --bin terraform-provider-lambda \
    -p acceptance-tests --bin lambda-emulator)

work="$(mktemp -d)"
emu_pid=""
cleanup() {
  if [[ -n "$emu_pid" ]]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> starting the emulator"
"$target/debug/lambda-emulator" --listen 127.0.0.1:0 >"$work/emulator.out" 2>"$work/emulator.log" &
emu_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(awk '/listening on/ {print $NF; exit}' "$work/emulator.out" 2>/dev/null || true)"
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || { echo "the emulator did not start:" >&2; cat "$work/emulator.log" >&2; exit 1; }
echo "    emulator at $url"

cat >"$work/dev.tfrc" <<RC
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "lambdakit/lambda" = "$target/debug"
  }
  direct {}
}
RC

cp -r "$here"/. "$work/"
rm -f "$work"/run.sh
export TF_CLI_CONFIG_FILE="$work/dev.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export AWS_ENDPOINT_URL="$url" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"

cd "$work"
echo "==> terraform apply"
terraform apply -auto-approve -input=false
echo "==> terraform plan (expect no changes)"
terraform plan -input=false -detailed-exitcode
if [[ "${KEEP:-}" == "1" ]]; then
  echo "KEEP=1: emulator stays at $url with the state in $work (Ctrl-C to stop)"
  trap - EXIT
  wait "$emu_pid"
  exit 0
fi
echo "==> terraform destroy"
terraform destroy -auto-approve -input=false
echo "==> done"
