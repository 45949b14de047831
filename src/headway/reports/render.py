"""One Jinja environment renders the report view in every format a person reads."""

from __future__ import annotations

import re
from enum import StrEnum

import jinja2
from markupsafe import Markup

from headway.reports.formatting import FILTERS
from headway.reports.view import ReportView


class ReportFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    HTML = "html"


_TEMPLATES = {
    ReportFormat.TEXT: "report.txt.j2",
    ReportFormat.MD: "report.md.j2",
    ReportFormat.HTML: "report.html.j2",
}

# C0 and C1 control characters (tabs become spaces first), lone surrogates and the
# bidirectional embedding, override and isolate characters: in a terminal, an escape sequence
# in a title could rewrite the screen; an override makes text read in another order than it
# is written. The text rule keeps all of them out of the database; a report drops any that
# remain (rows from before the rule).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
# What lets text in Markdown start emphasis, strikethrough, code, a link or image, a heading
# or a table cell: each is escaped with a backslash (CommonMark escapes any ASCII punctuation).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~#!\[\]|])")


def markdown_text(text: str) -> str:
    """User text made inert in Markdown: it reads the same and cannot add markup."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # Backslashes do not stop raw HTML, autolinks or entities (`&#x202E;`) in Markdown;
    # entities of their own do.
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: object) -> object:
    # Every `{{ ... }}` passes here, so no template can forget: user text stays on one line
    # (a line break cannot start a heading or a list), loses control characters, and in
    # Markdown is escaped. HTML autoescaping runs after this.
    if isinstance(value, Markup):
        return value
    text = _CONTROL.sub("", " ".join(str(value).replace("\t", " ").splitlines()))
    if context.name is not None and context.name.endswith(".md.j2"):
        return markdown_text(text)
    return text


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("headway.reports", "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",)),
    undefined=jinja2.StrictUndefined,
    finalize=_finalize,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters.update(FILTERS)


def render(view: ReportView, fmt: ReportFormat | str) -> str:
    """The report in one format: `text` for a terminal, `md` (Markdown) or `html` (a page)."""
    return _ENV.get_template(_TEMPLATES[ReportFormat(fmt)]).render(report=view)
