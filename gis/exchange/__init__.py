"""Data exchange: import and export in the formats Chinese planners use (issue #6).

Reading (:mod:`.readers`) → placing in EPSG:4490 (:mod:`.crs_detect`, :mod:`.coords`) →
mapping columns (:mod:`.mapping`), converting cells (:mod:`.import_cells`,
:mod:`.import_prepare`) and checking geometry (:mod:`.geometry`) → merging
(:mod:`.import_merge`) in one all-or-nothing store transaction after a backup (:func:`.import_merge.run_import`);
exporting with :func:`.writers.export_layer`. Encodings: :mod:`.encoding`; 界址点 TXT:
:mod:`.boundary_txt`; upload limits: :mod:`.limits`. The enterprises' economic figures
(yearly and year-to-date tables from the statistics and tax bureaus) have their own import:
:mod:`.figures` (steps in :mod:`.figures_read`, :mod:`.figures_suggest`,
:mod:`.figures_cells`, :mod:`.figures_prepare`, :mod:`.figures_preview`).
"""

from gis.exchange.crs_detect import CRS_CHOICES, DATUMS, Placement, guess_coordinates, place
from gis.exchange.import_merge import MODES, ImportOutcome, merge, run_import
from gis.exchange.import_prepare import Prepared, prepare
from gis.exchange.limits import DEFAULT_LIMITS, Limits
from gis.exchange.mapping import IMPORT_LAYERS, suggest_mapping
from gis.exchange.readers import FORMATS, TEXT_FORMATS, Source, read_upload
from gis.exchange.writers import EXPORT_FORMATS, ExportFile, export_layer, filter_for_export

__all__ = [
    "CRS_CHOICES",
    "DATUMS",
    "DEFAULT_LIMITS",
    "EXPORT_FORMATS",
    "FORMATS",
    "IMPORT_LAYERS",
    "MODES",
    "TEXT_FORMATS",
    "ExportFile",
    "ImportOutcome",
    "Limits",
    "Placement",
    "Prepared",
    "Source",
    "export_layer",
    "filter_for_export",
    "guess_coordinates",
    "merge",
    "place",
    "prepare",
    "read_upload",
    "run_import",
    "suggest_mapping",
]
