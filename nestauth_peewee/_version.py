"""The version of nestauth-peewee: its one home.

pyproject.toml reads it (``[tool.setuptools.dynamic]``), the package face
re-exports it as ``nestauth_peewee.__version__``, and modules inside the
package (the snapshot header) import it from here, which imports nothing.
"""

__version__ = "0.1.0"
