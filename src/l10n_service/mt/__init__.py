"""Machine translation engines behind one small interface and a registry.

``base`` defines :class:`Engine`; ``pseudo`` is the built-in pseudo-localisation
engine; ``argos`` runs argostranslate packages on CTranslate2; ``models`` installs
and lists argostranslate packages; ``apertium`` runs Debian's Apertium pairs through
long-lived pipelines (``apertium_pipe``, ``apertium_stream``). Only ``argos`` and
``models`` import argostranslate; only the ``apertium*`` modules run Apertium.
"""
