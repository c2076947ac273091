"""The local inbox store: SQLite, the single source of truth. Never imports Qt."""

from desktop.store.database import Store, StoreError, Tally

__all__ = ["Store", "StoreError", "Tally"]
