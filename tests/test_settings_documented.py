"""Every environment variable Moim reads is read in settings.py, and README's "Configuration"
table names exactly those: one place to look for a variable, one list to read about it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

# Reading files, no database: the same on either leg of `make test`.
pytestmark = pytest.mark.single_leg

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "moim"
SETTINGS = PACKAGE / "settings.py"
README = ROOT / "README.md"

# The helpers of moim/env.py, and the standard library's own ways to read the environment.
READERS = {"env_str", "env_bool", "env_int", "env_list", "env_secret", "env_header", "getenv"}
# env_secret also reads NAME_FILE, a file holding the value (container secrets).
WITH_FILE = {"env_secret"}


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_environ(node: ast.expr) -> bool:
    """`os.environ`, or `environ` imported from os."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def variables_read(path: Path) -> set[str]:
    """The names of the environment variables a module reads: the first argument of each call
    to a reader above or to os.environ.get, and each os.environ[...] subscript. A setdefault
    writes the variable for a later reader and is not a read."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        name = ""
        if isinstance(node, ast.Call) and node.args:
            called = _called_name(node)
            environ_get = (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and _is_environ(node.func.value)
            )
            if called in READERS or environ_get:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    name = first.value
                    if called in WITH_FILE:
                        found.add(f"{name}_FILE")
        elif (
            isinstance(node, ast.Subscript)
            and _is_environ(node.value)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            name = node.slice.value
        if name:
            found.add(name)
    return found


def documented_variables() -> set[str]:
    """The variables in the first column of the first table under README's "## Configuration"
    (a later table there lists what only the development tools read)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    table = section[section.index("\n|") :].split("\n\n", 1)[0]
    names: set[str] = set()
    for row in table.strip().splitlines()[2:]:  # past the header and its rule
        names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split("|")[1]))
    return names


def test_only_settings_reads_the_environment() -> None:
    elsewhere = {
        str(path.relative_to(ROOT)): sorted(read)
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in {SETTINGS, PACKAGE / "env.py"} and (read := variables_read(path))
    }

    assert elsewhere == {}, "read these in settings.py and use settings.NAME instead"


def test_readme_documents_every_variable_settings_reads_and_no_other() -> None:
    read = variables_read(SETTINGS)
    documented = documented_variables()

    assert sorted(read - documented) == [], "read in settings.py, missing from README's table"
    assert sorted(documented - read) == [], "in README's table, not read in settings.py"


def test_the_reader_finds_each_way_of_reading_the_environment(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "import os\n"
        "from moim.env import env_int, env_secret\n"
        "A = env_int('MOIM_A', 1)\n"
        "B = env_secret('MOIM_B')\n"
        "C = os.environ.get('MOIM_C', '')\n"
        "D = os.environ['MOIM_D']\n"
        "E = os.getenv('MOIM_E')\n"
        "from os import environ\n"
        "G = environ.get('MOIM_G')\n"
        "os.environ.setdefault('MOIM_F', '1')\n",
        encoding="utf-8",
    )

    assert variables_read(module) == {
        "MOIM_A",
        "MOIM_B",
        "MOIM_B_FILE",
        "MOIM_C",
        "MOIM_D",
        "MOIM_E",
        "MOIM_G",
    }
