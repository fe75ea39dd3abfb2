"""Errors as a small HTML page for browsers, under the bundle pages' CSP.

A reader who follows a stale link to an article gets a page, not a JSON document
saved as a download; API clients (no ``Accept``, JSON, ``application/problem+json``
or ``*/*``) keep RFC 9457 problem documents. The page is built from the same
status, title and detail as the problem document, escaped, English (the service's
own words), with no script, so the policy that guards translator text on bundle
pages guards it too.
"""

from __future__ import annotations

import html
from http import HTTPStatus

__all__ = ["HTML_CSP", "error_page"]

# Bundle pages carry translator text (sanitised when rendered); this keeps any
# leftover markup inert: no scripts, no plugins, no framing, no form posts.
HTML_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
    "base-uri 'self'; form-action 'none'; frame-ancestors 'none'"
)


def error_page(status: int, title: str, detail: str | None, home: str) -> str:
    """The page for one error: status and title as heading, the detail, a way home."""
    phrase = HTTPStatus(status).phrase
    heading = f"{status} {title}" if title != phrase else f"{status} {phrase}"
    text = f'<p class="detail">{html.escape(detail)}</p>\n' if detail else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en" dir="ltr">\n'
        "<head>\n"
        '  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '  <meta name="robots" content="noindex">\n'
        f"  <title>{html.escape(heading)}</title>\n"
        "  <style>body{max-width:42rem;margin:2rem auto;padding:0 1rem;font-family:system-ui,"
        "sans-serif;line-height:1.5;color:#1f2328}.detail{color:#59636e}</style>\n"
        "</head>\n"
        "<body>\n"
        f"<h1>{html.escape(heading)}</h1>\n"
        f"{text}"
        f'<p><a href="{html.escape(home)}">All articles</a></p>\n'
        "</body>\n"
        "</html>\n"
    )
