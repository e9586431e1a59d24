#!/usr/bin/env bash
# Applies this example against a local emulator, checks the plan is then empty, and
# destroys it (see ../run.sh; KEEP=1 keeps everything running).
exec "$(dirname "${BASH_SOURCE[0]}")/../run.sh" ci-pipeline "$@"
