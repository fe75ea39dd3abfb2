"""l10n-service: localize news and blog articles through gettext catalogs.

Extract an article into sentence segments, keep per-language .po catalogs with
msgmerge semantics, machine-translate offline with argostranslate on Celery workers,
review, and publish localized bundles.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
