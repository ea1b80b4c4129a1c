"""The oracle fixtures, for the tests of the harness itself."""

from tests.oracles.fixtures import annex_a_cleaner, cin_validator, liia_template

__all__ = ["annex_a_cleaner", "cin_validator", "liia_template"]
