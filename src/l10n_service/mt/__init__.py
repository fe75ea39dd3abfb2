"""Machine translation engines behind one small interface and a registry.

``base`` defines :class:`~l10n_service.mt.base.Engine` (capabilities as class
attributes); ``registry`` finds engines through the ``l10n_service.engines`` entry
points, picks one for ``auto`` and answers everything else the service asks about
engines, so nothing outside this package compares engine names. Built-ins:
``argos`` runs argostranslate packages on CTranslate2, ``apertium`` runs Debian's
Apertium pairs through long-lived pipelines (``apertium_pipe``, ``apertium_stream``)
and ``pseudo`` is pseudo-localisation; ``models`` installs and lists argostranslate
packages, whose format ``argos_packages`` reads without the argostranslate library
(only its BPE tokenizer, when installed: the one import of it); only the
``apertium*`` modules run Apertium.
"""
