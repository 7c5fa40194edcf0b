"""Kizuna's local store and domain: DuckDB access, migrations and everything kept on disk.

Never imports streamlit. Functions take an open `Store` and return dataclasses or DataFrames.
"""

from memory.store import DataFolderInUse, Store, StoreError, default_data_dir

__all__ = ["DataFolderInUse", "Store", "StoreError", "default_data_dir"]
