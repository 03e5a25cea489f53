"""The convenant helpers (people, log-in, ids) and the real KPI catalogue, for the scores."""

from tests.convenants.conftest import real_catalogue

__all__ = ["real_catalogue"]
