"""nbkg: the Nordic Bioeconomy Knowledge Graph.

The package is spread over the repository's top-level folders (``ontology/``, ``graph/``,
``loaders/``, ``web/``, ``queries/``, ``data/``), mapped into one import namespace by
``package_dir`` in ``setup.cfg``.
"""

__version__ = "0.1.0"
