"""Excel/CSV import of the register: hardware, software installations, licences, contracts.

One framework (`base`) reads the file, checks the header row, validates every row and
keeps the preview in the session; each kind declares its columns and row checks, and
writes through its action in `assets.actions.imports`. Nothing is written unless every
row is valid or the person chose the valid rows only, and re-importing changes nothing.
"""

from assets.importers.base import MAX_ROWS, Column, Importer, ImportFileError, ImportRow, read_table
from assets.importers.hardware import HardwareImporter
from assets.importers.software import ContractImporter, InstallationImporter, LicenceImporter

__all__ = [
    "MAX_ROWS",
    "Column",
    "ContractImporter",
    "HardwareImporter",
    "ImportFileError",
    "ImportRow",
    "Importer",
    "InstallationImporter",
    "LicenceImporter",
    "read_table",
]
