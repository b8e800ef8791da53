"""Generated docs stay in step with the models."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_tables_reference_is_regenerated_with_the_models():
    script = runpy.run_path(str(ROOT / "scripts" / "build_tables_reference.py"))
    current = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    assert current == script["render"](), "run: python scripts/build_tables_reference.py"
