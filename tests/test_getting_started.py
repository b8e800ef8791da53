"""docs/getting-started.md is true as written, in an empty directory, against the built wheel.

The wheel is built from a copy of the tree (``pip wheel --no-deps``, offline) and
installed into a fresh virtualenv in a temporary directory. Nothing is fetched:
the new virtualenv sees this one's dependencies through a ``.pth`` line, so the
guide's one network command, ``pip install 'nestauth-peewee[flask,bottle]'``, becomes
"install the wheel" and ``flask`` a wrapper of ``python -m flask``. Every other
command of the guide's ``sh`` and ``python`` blocks runs as written, in page
order, in one shell with ``set -e``; only the two example ports are swapped for
free ones, and the script waits for a server put in the background to listen.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "getting-started.md"
DANA_PASSWORD = "correct horse battery staple 42"

pytestmark = pytest.mark.slow

_BLOCK = re.compile(r"^```(sh|python)\n(.*?)^```", re.S | re.M)
_IGNORE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache",
                                 ".hypothesis", "*.db")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def guide_script(ports: dict[str, int]) -> str:
    """The guide's commands as one bash script (see the module docstring for the substitutions)."""
    lines: list[str] = []
    for lang, body in _BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        if lang == "python":
            lines += ["python - <<'PY'", body.rstrip("\n"), "PY"]
            continue
        for line in body.rstrip("\n").split("\n"):
            for old, new in ports.items():
                line = line.replace(old, str(new))
            if line.startswith("pip install "):
                line = "install_the_wheel  # the guide: " + line
            lines.append(line)
            command = line.split("  #")[0].rstrip()
            if command.endswith("&"):
                port = re.search(r"(?:--port |:)(\d+)", command)
                assert port, f"a background command of the guide without a port: {line}"
                lines.append(f"wait_for_port {port.group(1)}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=_IGNORE, symlinks=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(tmp / "dist")], check=True, capture_output=True, text=True)
    (built,) = (tmp / "dist").glob("nestauth_peewee-*.whl")
    return built


def test_the_wheel_holds_every_package_the_seed_the_examples_and_the_license(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "nestauth_peewee").rglob("__init__.py")}
    assert {f"{p}/__init__.py" for p in packages} <= names, "add the package to pyproject's packages"
    assert {"nestauth_peewee/seeding/example_seed.toml", "nestauth_peewee/examples/flask_app.py",
            "nestauth_peewee/examples/bottle_app.py", "nestauth_peewee/examples/app_models.py",
            "nestauth_peewee/examples/web_app.py", "nestauth_peewee/examples/templates/web/base.html",
            "nestauth_peewee/migrations/001_initial.py"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_getting_started_runs_as_written_in_an_empty_directory(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (venv / "bin" / "flask").write_text('#!/bin/sh\nexec python -m flask "$@"\n')
    (venv / "bin" / "flask").chmod(0o755)
    empty = tmp_path / "project"
    empty.mkdir()

    preamble = f"""set -euo pipefail
install_the_wheel() {{
    {sys.executable} -m pip --python {venv / 'bin' / 'python'} install -q --no-deps --no-index {wheel}
    python -c 'import nestauth_peewee; print("installed at", nestauth_peewee.__file__)'
}}
wait_for_port() {{
    python -c 'import socket, sys, time
for _ in range(300):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close(); sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("nothing listens on port " + sys.argv[1])' "$1"
}}
"""
    ports = {"5000": _free_port(), "8080": _free_port()}
    script = tmp_path / "guide.sh"
    script.write_text(preamble + guide_script(ports))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NESTAUTH_SECRET_KEY", "PYTHONPATH",
                                                            "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    result = subprocess.run(["bash", str(script)], cwd=empty, env=env, capture_output=True, text=True,
                            input=f"{DANA_PASSWORD}\n{DANA_PASSWORD}\n", timeout=180, start_new_session=True)
    out = result.stdout
    assert result.returncode == 0, f"{out}\n{result.stderr}"

    assert f"installed at {site}/nestauth_peewee/__init__.py" in out  # the wheel, not this checkout
    assert "Created 20 tables in sqlite database 'nestauth.db'" in out
    assert out.count("Nothing to change") == 1 and "3 user(s)" in out
    assert "Created user dana@example.com" in out and "dana@example.com now holds in tenant acme: editor" in out
    assert "\nTrue\n" in out
    assert out.count('"refresh_token"') == 2, out  # alice on Flask, carol on Bottle: the seeded users
    assert sorted(p.name for p in empty.iterdir() if not p.name.startswith("nestauth.db")) == []
