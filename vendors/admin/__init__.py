"""The staff admin, one module per concept. Importing them registers every admin class."""

from . import agreements, catalog, imports, proposals, reminders, requests, subscriptions, titles
from .titles import VendorAdmin
