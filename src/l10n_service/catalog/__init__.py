"""The PO adapter: the only package that imports polib.

``store`` is the facade (read a catalog, write one atomically); behind it ``parse``
reads the PO grammar (``charset`` decodes, ``metadata`` checks the header),
``render`` writes changed fields the way msgcat does (``linebreak`` decides where
long strings wrap) and ``layout`` holds what a parsed file remembers of its
original text. ``template`` makes the .pot of an article, ``update`` merges a
template into a language's catalog with msgmerge semantics.
"""
