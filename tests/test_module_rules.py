"""The import rules of docs/architecture.md, read off the package's source.

* No private name crosses a module: ``from .x import _name`` of another module is refused.
* A package's ``_``-prefixed helper module (``repositories/_support.py``) is imported only
  inside its own package.
* Layers import downwards only: models < repositories < services < integrations, cli,
  seeding; the package's base modules (``db.py``, ``errors.py``, ``unit_of_work.py`` ...)
  import no service and nothing above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nestauth_peewee"
RANK = {"models": 1, "repositories": 2, "services": 3, "integrations": 4, "cli": 4, "seeding": 4}
BASE_MAY_NOT_IMPORT = 3  # a base module imports nothing from services/ or above


def _name_of(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name_of(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def _imports(name: str, source: str) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it or None) for every nest-auth import of ``source``."""
    found: list[tuple[str, str | None]] = []
    package = name.split(".") if MODULES[name].name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "nestauth_peewee":
                found += [(target, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name.split(".")[0] == "nestauth_peewee"]
    return found


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def violations(name: str, source: str) -> list[str]:
    out = []
    mine = name.split(".")
    rank = RANK.get(mine[1]) if len(mine) > 1 else None
    for target, taken in _imports(name, source):
        module = f"{target}.{taken}" if taken and f"{target}.{taken}" in MODULES else target
        if taken and module == target and _private(taken):
            out.append(f"{name} imports the private name {target}.{taken}")
        owner, last = module.rsplit(".", 1) if "." in module else ("", module)
        if _private(last) and name != owner and not name.startswith(owner + "."):
            out.append(f"{name} imports the helper module {module} from outside its package")
        layer = RANK.get(module.split(".")[1], 0) if "." in module else 0
        if rank is not None and layer > rank:
            out.append(f"{name} (layer {mine[1]}) imports the higher layer {module}")
        if rank is None and len(mine) > 1 and layer >= BASE_MAY_NOT_IMPORT:
            out.append(f"{name} (a base module) imports {module}")
    return out


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_follow_the_rules(name):
    assert violations(name, MODULES[name].read_text(encoding="utf-8")) == []


#: What each rule reports, for a module and a line of source that break it.
BROKEN = {
    "private name": ("nestauth_peewee.services.users", "from .otps import _normalise_code"),
    "helper module": ("nestauth_peewee.services.users", "from ..repositories._support import save_fields"),
    "higher layer": ("nestauth_peewee.repositories.users", "from ..services import users"),
    "base module": ("nestauth_peewee.db", "from .services.users import UserService"),
}


@pytest.mark.parametrize("expected", sorted(BROKEN))
def test_a_broken_rule_is_reported(expected):
    name, source = BROKEN[expected]
    assert any(expected in v for v in violations(name, source))
    # A model importing a repository by its absolute name is the same break as a relative one.
    assert violations("nestauth_peewee.models.accounts", "from nestauth_peewee.repositories import users")


def test_allowed_imports_pass():
    assert violations("nestauth_peewee.repositories.users", "from ._support import save_fields") == []
    assert violations("nestauth_peewee.services.users", "from ..repositories import users as repo") == []


def _private_reach(source: str) -> list[str]:
    """``self.<other>._name`` in ``source``: a private member of an object another class owns
    (peewee's ``_meta`` aside, which is peewee's public way in)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute) and _private(node.attr) and node.attr != "_meta"
                and isinstance(node.value, ast.Attribute) and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "self" and not node.value.attr.startswith("_")):
            found.append(f"line {node.lineno}: self.{node.value.attr}.{node.attr}")
    return found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_member_of_another_object_is_used(name):
    assert _private_reach(MODULES[name].read_text(encoding="utf-8")) == []


def test_a_reach_into_another_service_is_reported():
    assert _private_reach("def f(self):\n    return self.otps._issue(1)\n") == ["line 2: self.otps._issue"]
    assert _private_reach("def f(self):\n    return self.model._meta, self._keys.digest()\n") == []
