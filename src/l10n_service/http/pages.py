"""The public front page: articles with a progress bar per language, a page at a
time (``?page=&per_page=``), filtered by ``lang``, ``state`` and title words ``q``.

Readers see how far each translation is (untranslated, fuzzy, machine,
translated, approved, from the workspace index), how much of it is machine output
nobody changed (flagged above 50%, like Content Translation), and follow a link to
the localized page of each published language. Server-rendered HTML with no script
and no form (the CSP forbids form actions): filters and pages are plain links.

A language whose job waits for a worker says so. Only a reader with an API token
or a desk session sees which queue lacks a consumer; anonymous readers see
``PUBLIC_WAITING``, since queue names describe the deployment.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from jinja2 import Environment, select_autoescape

from ..core.locales import direction, display_name
from ..core.post_edit import WARN_SHARE
from ..services.monitoring import PUBLIC_WAITING
from .articles import ListParams, article_summaries, page_links
from .deps import State, bearer_token
from .desk_common import current_viewer
from .errorpage import HTML_CSP
from .jobs import waiting_by_language

__all__ = ["router"]

router = APIRouter(tags=["pages"])

_STATES = ("approved", "translated", "machine", "fuzzy", "untranslated")
_COLORS = {
    "approved": "#1a7f37",
    "translated": "#54aeff",
    "machine": "#d4a72c",
    "fuzzy": "#fb8f44",
    "untranslated": "#d0d7de",
}

_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_PAGE = _env.from_string(
    """<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Articles</title>
  <style>
    body{max-width:52rem;margin:2rem auto;padding:0 1rem;font-family:system-ui,sans-serif;
         line-height:1.5;color:#1f2328}
    .article{border-bottom:1px solid #d0d7de;padding:1rem 0}
    .article h2{margin:.2rem 0;font-size:1.2rem}
    table{border-collapse:collapse;width:100%}
    td{padding:.2rem .5rem .2rem 0;vertical-align:middle;font-size:.9rem}
    td.waiting{color:#9a6700}
    td.lang{width:9rem} td.nums{width:16rem;color:#59636e;white-space:nowrap}
    td.mt{width:11rem;color:#59636e;white-space:nowrap} td.mt.warn{color:#9a6700;font-weight:600}
    .bar{display:flex;height:.8rem;border-radius:.4rem;overflow:hidden;background:#eee;
         min-width:10rem}
    .bar span{display:block;height:100%}
    nav a{margin-right:.6rem} nav .current{font-weight:bold}
    .legend span{display:inline-block;width:.7rem;height:.7rem;margin:0 .2rem 0 .8rem;
                 border-radius:2px;vertical-align:middle}
    {% for state, color in colors.items() %}.s-{{ state }}{background:{{ color }}}
    {% endfor %}
  </style>
</head>
<body>
<h1>Articles</h1>
<p class="summary">{{ total }} article{{ "" if total == 1 else "s" }}{% if filters %}
  matching {{ filters }} (<a href="{{ clear }}">all articles</a>){% endif %}
  · page {{ page }} of {{ pages }}</p>
<nav class="filters" aria-label="filters">{% for f in filter_links %}<a href="{{ f.href }}"
  {% if f.current %}class="current" aria-current="true"{% endif %}>{{ f.label }}</a>
{% endfor %}</nav>
<p class="legend">{% for state in states %}<span class="s-{{ state }}"></span>{{ state }}
{% endfor %}</p>
{% for a in articles %}
<section class="article" id="article-{{ a.slug }}">
  <h2><a class="article-link" href="{{ a.href }}">{{ a.title }}</a></h2>
  <p>{% for p in a.published %}<a href="{{ a.href }}?lang={{ p.tag }}" hreflang="{{ p.tag }}"
     lang="{{ p.tag }}" dir="{{ p.dir }}">{{ p.name }}</a>{% if not loop.last %} · {% endif %}
  {% else %}<em>not published yet</em>{% endfor %}</p>
  {% if a.problem %}<p class="problem">{{ a.problem }}</p>{% endif %}
  {% if a.rows %}
  <table>
  {% for r in a.rows %}
    <tr>
      <td class="lang">{{ r.name }} ({{ r.tag }})</td>
      <td><div class="bar" role="img" aria-label="{{ r.label }}" title="{{ r.label }}">
        {% for s in r.segments %}<span class="s-{{ s.state }}" style="width:{{ s.pct }}%">
        </span>{% endfor %}</div></td>
      <td class="nums">{{ r.done }}% reviewed or translated</td>
      <td class="mt{% if r.mt_warn %} warn{% endif %}">{% if r.mt_share is not none %}
        {{ r.mt_share }}% unmodified MT{% if r.mt_warn %} (over {{ warn }}%){% endif %}
      {% endif %}</td>
    </tr>
    {% if r.waiting %}
    <tr><td></td><td class="waiting" colspan="2">{{ r.waiting }}</td></tr>
    {% endif %}
  {% endfor %}
  </table>
  {% endif %}
</section>
{% else %}
{% if filters %}<p>No articles match.</p>{% else %}
<p>No articles yet. Add one with <code>l10n add</code> or <code>POST /articles</code>.</p>
{% endif %}
{% endfor %}
{% if pages > 1 %}<nav class="pages" aria-label="pages">
{% if links.first and page > 1 %}<a rel="first" href="{{ links.first }}">first</a>{% endif %}
{% if links.prev %}<a rel="prev" href="{{ links.prev }}">previous</a>{% endif %}
<span>page {{ page }} of {{ pages }}</span>
{% if links.next %}<a rel="next" href="{{ links.next }}">next</a>{% endif %}
{% if page < pages %}<a rel="last" href="{{ links.last }}">last</a>{% endif %}
</nav>{% endif %}
</body>
</html>
"""
)


def _row(row: Any, waiting: str | None = None) -> dict[str, Any]:
    total = row.total or 1
    counts = {state: getattr(row, state) for state in _STATES}
    return {
        "tag": row.lang.replace("_", "-"),
        "name": display_name(row.lang, "en"),
        "segments": [
            {"state": s, "pct": round(100 * n / total, 2)} for s, n in counts.items() if n
        ],
        "label": ", ".join(f"{n} {s}" for s, n in counts.items()) + f" of {row.total}",
        "done": round(100 * (row.approved + row.translated) / total),
        "waiting": waiting,
        # Unmodified machine output among the translated entries (core.post_edit).
        "mt_share": None if row.machine_share is None else round(100 * row.machine_share),
        "mt_warn": (row.machine_share or 0) > WARN_SHARE,
    }


@router.get(
    "/",
    response_class=Response,
    summary="Front page: articles and translation progress",
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
def index(app: State, request: Request, query: ListParams) -> Response:
    prefix = request.scope.get("root_path", "").rstrip("/")
    waiting = waiting_by_language(app.ws)
    known = bearer_token(request, app) is not None or current_viewer(request, app) is not None
    if not known:
        waiting = dict.fromkeys(waiting, PUBLIC_WAITING)
    page, summaries = article_summaries(app, query, prefix)
    articles = [
        {
            "slug": a.slug,
            "title": a.title,
            "href": a.href,
            "published": [
                {
                    "tag": code.replace("_", "-"),
                    "name": display_name(code),
                    "dir": direction(code),
                }
                for code in a.published
            ],
            "rows": [_row(r, waiting.get((a.slug, getattr(r, "lang", "")))) for r in a.catalogs],
            "problem": a.problem,
        }
        for a in summaries
    ]
    params = dict(request.query_params)
    links = page_links(page, f"{prefix}/", params)
    shown = {"lang": query.lang, "state": query.state, "q": query.q}
    filters = ", ".join(f"{k}={v}" for k, v in shown.items() if v)
    page_html = _PAGE.render(
        articles=articles,
        states=_STATES,
        colors=_COLORS,
        warn=round(100 * WARN_SHARE),
        total=page.total,
        page=query.page,
        pages=page.pages,
        links=links,
        filters=filters,
        clear=f"{prefix}/",
        filter_links=_filter_links(app.ws.language_dirs(), query, prefix, params),
    )
    return Response(
        page_html,
        media_type="text/html; charset=utf-8",
        headers={
            # What a token holder sees is for them only; a shared cache keeps the
            # anonymous page apart from theirs.
            "Cache-Control": "private, no-cache" if known else "no-cache",
            "Vary": "Authorization, Cookie",
            "Content-Security-Policy": HTML_CSP,
        },
    )


def _filter_links(
    langs: tuple[str, ...], query: Any, prefix: str, params: dict[str, str]
) -> list[dict[str, Any]]:
    """One link per language and per review state, each keeping the other filters
    (page 1: the filtered list has its own pages)."""

    def href(key: str, value: str | None) -> str:
        kept = {k: v for k, v in params.items() if k not in ("page", key)}
        if value is not None:
            kept[key] = value
        return f"{prefix}/?{urlencode(kept)}" if kept else f"{prefix}/"

    out = [{"label": "all languages", "href": href("lang", None), "current": not query.lang}]
    out += [
        {
            "label": display_name(lang, "en"),
            "href": href("lang", lang),
            "current": query.lang == lang,
        }
        for lang in langs
    ]
    out.append({"label": "any state", "href": href("state", None), "current": not query.state})
    out += [
        {"label": state, "href": href("state", state), "current": query.state == state}
        for state in _FILTER_STATES
    ]
    return out


_FILTER_STATES = ("untranslated", "needs-review", "translated", "approved")
