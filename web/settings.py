"""Default settings. Each can be overridden by an ``NBKG_<NAME>`` environment variable
(values are read as JSON where they parse, e.g. ``NBKG_QUERY_TIMEOUT=5``) or by the
``config`` given to :func:`nbkg.web.create_app`."""

#: The store: a directory (embedded Oxigraph) or a SPARQL endpoint URL; None = the default.
STORE: str | None = None
#: Seconds a visitor's SPARQL query may run before it is stopped (HTTP 503).
QUERY_TIMEOUT: float = 20.0
#: Largest query text accepted, in bytes (HTTP 413 beyond it).
MAX_QUERY_BYTES: int = 64 * 1024
#: Most rows (solutions or triples) one answer carries; answers say when they were cut.
ROW_CAP: int = 10_000
#: Worker processes that run visitors' queries; a slow query holds only one of them.
QUERY_WORKERS: int = 4
#: Folder with the release files (dumps, VoID, validation report); None = beside the store.
DOWNLOADS: str | None = None
#: Rows per page in lists and search results.
PAGE_SIZE: int = 50
