#!/usr/bin/env bash
# Rebuild tests/data/nestauth_peewee-0.1.0-py3-none-any.whl, the released 0.1.0 that
# tests/test_upgrade_010.py upgrades from. 0.1.0 is commit 87aca5d (its pyproject.toml says
# version 0.1.0; there is no tag). Needs the git history, so CI never runs this: the wheel is
# committed. Run from the repository root with the venv made by `make lint`.
set -euo pipefail
cd "$(dirname "$0")/.."
RELEASE=87aca5d
WORK=$(mktemp -d)
trap 'git worktree remove --force "$WORK/src" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
git worktree add --detach "$WORK/src" "$RELEASE" >/dev/null
test "$(grep -m1 '^version' "$WORK/src/pyproject.toml")" = 'version = "0.1.0"'
.venv/bin/pip wheel "$WORK/src" --no-deps --quiet -w "$WORK/dist"
cp "$WORK/dist/nestauth_peewee-0.1.0-py3-none-any.whl" tests/data/
echo "Wrote tests/data/nestauth_peewee-0.1.0-py3-none-any.whl"
