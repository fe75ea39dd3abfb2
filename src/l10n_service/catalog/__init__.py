"""The PO adapter: the only package that imports polib.

``template`` makes the .pot of an article, ``update`` merges a template into a
language's catalog with msgmerge semantics, ``store`` reads and writes files
atomically under a lock, ``states`` reports per-entry state counts.
"""
