"""The store: the one door through which the park's data is read and written.

One interface, :class:`ParkStore`, two backends: a GeoPackage file (:mod:`.gpkg` and
:mod:`.gpkg_sql`, the embedded default, nothing to install) and PostgreSQL/PostGIS
(:mod:`.postgis` and :mod:`.postgis_sql`, when ``PARK_DB=postgresql://...``). Both hold
the layers of :mod:`gis.schema` in EPSG:4490, a ``park_meta`` table with the data version,
and ``park_sample_rows``. Writes change only
their rows, in one transaction, after the caller's checks (:mod:`.base`, :mod:`.delta`);
edits made in QGIS raise the data version too. :mod:`.locate` opens, starts and copies
parks; :mod:`.validate` says what outside edits got wrong; :mod:`.cli` is ``python -m gis``.
SQL stays inside this package.
"""

from gis.store.audit import AuditEntry
from gis.store.base import (
    APP_ID,
    META_LAYER,
    SAMPLE_META_KEYS,
    SAMPLE_ROWS_TABLE,
    SCHEMA_VERSION,
    Frame,
    ParkStore,
    SampleRemoval,
    row_keys,
    utc_now,
)
from gis.store.locate import (
    DEFAULT_PATH,
    ENV_VAR,
    copy_store,
    create_empty_store,
    open_park_store,
    store_differences,
    store_location,
    store_path,
)
from gis.store.validate import Problem, problem_text, validate_frames

__all__ = [
    "APP_ID",
    "DEFAULT_PATH",
    "ENV_VAR",
    "META_LAYER",
    "SAMPLE_META_KEYS",
    "SAMPLE_ROWS_TABLE",
    "SCHEMA_VERSION",
    "AuditEntry",
    "Frame",
    "ParkStore",
    "Problem",
    "SampleRemoval",
    "copy_store",
    "create_empty_store",
    "open_park_store",
    "problem_text",
    "row_keys",
    "store_differences",
    "store_location",
    "store_path",
    "utc_now",
    "validate_frames",
]
