"""The measures tests' county, reused."""

from oversight.measures.tests.conftest import measured  # noqa: F401
