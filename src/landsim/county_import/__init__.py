"""County import: a county's 三调 land-survey layers and control lines as a landsim county.

``landsim county import --dltb FILE [--pbf FILE] [--redline FILE] [--udb FILE]
[--quality FILE] [--mapping FILE] [--encoding ENC] --out DIR`` runs :func:`import_county`
and :func:`write_import`; the folder it writes is read by every other verb.

- :mod:`~landsim.county_import.rules` - :class:`ImportRules` (every assumption, with
  source) and the mapping file;
- :mod:`~landsim.county_import.layers` - reading layers, encodings, CRS checks, geometry;
- :mod:`~landsim.county_import.overlay` - area shares of parcels inside polygons;
- :mod:`~landsim.county_import.townships` - township codes, names and the county seat;
- :mod:`~landsim.county_import.importer` - the import itself;
- :mod:`~landsim.county_import.report` - the import report;
- :mod:`~landsim.county_import.sample` - the sample county as 三调-style layers.
"""

from landsim.county_import.importer import ImportResult, import_county, write_import
from landsim.county_import.report import ImportReport
from landsim.county_import.rules import ImportMapping, ImportRules, load_mapping

__all__ = [
    "ImportMapping",
    "ImportReport",
    "ImportResult",
    "ImportRules",
    "import_county",
    "load_mapping",
    "write_import",
]
