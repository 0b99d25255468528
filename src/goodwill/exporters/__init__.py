"""Writers for taking your network elsewhere: vCard 4.0, CSV, GraphML and JSON (pure Python).

The writers take plain records (``Contact`` and ``Link``) so they know nothing of the database;
``goodwill.portability`` gathers the records and ``goodwill export`` writes the files.
"""

from goodwill.exporters.records import Contact, Link
from goodwill.exporters.writers import FORMATS, write_csv, write_graphml, write_json, write_vcard

__all__ = [
    "FORMATS",
    "Contact",
    "Link",
    "write_csv",
    "write_graphml",
    "write_json",
    "write_vcard",
]
