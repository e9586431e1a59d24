# Sourced by the tools that build or run release targets the tests do not cover
# (check-windows, check-musl, windows-smoke): installs what they need on a fresh Debian
# machine, and nothing when it is already there.

# ensure_rust_target TARGET: the standard library for TARGET, through rustup.
ensure_rust_target() {
  if ! rustup target list --installed | grep -qx "$1"; then
    rustup target add "$1"
  fi
}

# ensure_debian_package PACKAGE: apt-get install PACKAGE unless dpkg has it, refreshing
# the package lists only when the first try fails (a fresh image may have none).
ensure_debian_package() {
  dpkg -s "$1" >/dev/null 2>&1 && return 0
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -qq "$1" >/dev/null \
    || { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "$1" >/dev/null; }
}
