#!/usr/bin/env bash
# The main job: build the provider and the local AWS emulator, start the emulator on a
# free loopback port, `terraform apply` examples/quickstart against it, show the result,
# then `terraform destroy` and stop the emulator. Needs only cargo and terraform.
#
#   bash scripts/quickstart.sh            # apply, then destroy
#   KEEP=1 bash scripts/quickstart.sh     # apply and leave the emulator running
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
example=${EXAMPLE:-$root/examples/quickstart}
target=${CARGO_TARGET_DIR:-$root/target}

echo "==> building terraform-provider-lambda and lambda-emulator"
cargo build --quiet --manifest-path "$root/Cargo.toml" \
  -p terraform-provider-lambda --bin terraform-provider-lambda \
  -p acceptance-tests --bin lambda-emulator

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ] && [ -z "${KEEP:-}" ]; then kill "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> starting the local AWS emulator"
"$target/debug/lambda-emulator" --listen 127.0.0.1:0 >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 1 100); do
  url=$(awk 'NR==1 {print $NF}' "$work/emulator.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "${url:-}" ]; then echo "emulator did not start:"; cat "$work/emulator.log"; exit 1; fi
echo "    emulator at $url"

# Terraform starts our freshly built binary instead of downloading from a registry.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "lambdakit/lambda" = "$target/debug"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export AWS_ENDPOINT_URL="$url" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
unset AWS_PROFILE AWS_SESSION_TOKEN

# Work on a copy so the repository stays clean (state, lock file).
cp -R "$example" "$work/example"
dir="$work/example"
echo "==> terraform apply ($example)"
terraform -chdir="$dir" apply -auto-approve -input=false
echo "==> terraform plan (must be empty)"
terraform -chdir="$dir" plan -input=false -detailed-exitcode >/dev/null
echo "    no changes"
if [ -n "${KEEP:-}" ]; then
  echo "==> KEEP set: emulator left running at $url (pid $emulator_pid), working copy in $dir"
  trap - EXIT
  exit 0
fi
echo "==> terraform destroy"
terraform -chdir="$dir" destroy -auto-approve -input=false
echo "==> done"
