"""The staff admin, one module per concept. Importing them registers every admin class."""

from . import agreements, catalog, titles  # noqa: F401  (each registers its admins)
from .titles import VendorAdmin

__all__ = ["VendorAdmin"]
