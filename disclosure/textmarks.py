"""Findings of the text shown where the text is: the sentence a finding quotes is marked in
the section it was found in, the mark links to the finding and the finding to the mark.

A finding about a text stores its section as the row (`row_key` "s<position>", `row` the
section's heading as printed) and quotes the sentence or clause in its message (“…”). The
quote is found again at display time in the section's body, reading the body as the checks
read it (each line trimmed, a line the typesetter wrapped joined to the one before), or in
its heading or subheading when the finding is about those (a wrong year, a placeholder or
another department's name in a heading). A part heading printed once over several sections
("第三部分……", shown only where it changes) is marked where it is shown: on the first
section of that run.

The body is rendered as before (Markdown through the sanitiser, or plain text with line
breaks, both escaped), a heading escaped; the mark is placed with private-use characters
put around the sentence before rendering and replaced by the `<mark>` only after
sanitising, so nothing of the text is ever trusted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from disclosure.layouts.sections import section_heading

# The rules whose findings can be about a sentence of the 说明: the text families, and
# 机关运行经费 where the form states it only in the text.
TEXT_RULES = ("text.", "wording.", "narrative.", "between.running_costs")
QUOTE = re.compile(r"“([^“”]{4,})”")
# Characters of the Private Use Area carry the marks through rendering; a body never
# keeps its own (they are replaced by U+FFFD, same length, before the marks go in).
FIRST_MARKER = 0xE000
LAST_MARKER = 0xF8FF
OWN_MARKERS = re.compile("[\ue000-\uf8ff]")
TAG = re.compile(r"(<[^>]*>)")
# The parts of a section a mark can be in, as the narrative's fields name them.
BODY, SUBHEADING, HEADING = "body", "subheading", "heading"
PARTS = (HEADING, SUBHEADING, BODY)  # as a reader meets them


@dataclass
class TextMark:
    """One marked stretch of a section's body (or of its heading or subheading, `part`)
    and the findings about it."""

    start: int
    end: int
    findings: list = field(default_factory=list)
    part: str = BODY

    @property
    def anchor(self) -> str:
        return f"mark-{self.findings[0].pk}"

    @property
    def severity(self) -> str:
        found = {f.severity for f in self.findings}
        return next(s for s in ("error", "warning", "info") if s in found or s == "info")


def _flat(body: str) -> tuple[str, list[int]]:
    """The body as the checks read it (lines trimmed and joined), and for each of its
    characters the position in the body."""
    flat, where, offset = [], [], 0
    for line in body.split("\n"):
        stripped = line.strip()
        start = offset + (len(line) - len(line.lstrip()))
        flat.append(stripped)
        where.extend(range(start, start + len(stripped)))
        offset += len(line) + 1
    return "".join(flat), where


def find_quote(body: str, message: str) -> tuple[int, int] | None:
    """(start, end) in the body of the longest passage the message quotes, or None."""
    flat, where = _flat(body)
    for quote in sorted(QUOTE.findall(message), key=len, reverse=True):
        quote = "".join(line.strip() for line in quote.split("\n"))
        at = flat.find(quote) if quote else -1
        if at >= 0:
            return where[at], where[at + len(quote) - 1] + 1
    return None


def locate(narratives, findings) -> dict[int, list[TextMark]]:
    """The marks of each narrative (by pk), in the order of the narratives as shown. A
    finding that is placed gets `text_anchor`, the id of its mark; one whose quote is not in
    its section's text (nor its heading or subheading) gets none."""
    narratives = list(narratives)
    marks: dict[int, list[TextMark]] = {}
    by_key: dict[str, list] = {}
    for n in narratives:
        by_key.setdefault(f"s{n.position}", []).append(n)
    for f in findings:
        f.text_anchor = ""
        if not f.rule.startswith(TEXT_RULES) or not f.row_key.startswith("s"):
            continue
        for n in by_key.get(f.row_key, []):
            where = section_heading(n.heading, n.subheading) or _("说明")
            found = _place(n, f) if where == f.row else None
            if found is not None:
                part, span = found
                holder = _shown_with(narratives, n) if part == HEADING else n
                f.text_anchor = _add(marks.setdefault(holder.pk, []), span, f, part).anchor
                break
    for found in marks.values():
        found.sort(key=lambda m: (PARTS.index(m.part), m.start))
    return marks


def _place(narrative, finding) -> tuple[str, tuple[int, int]] | None:
    """(part, span) of the passage the finding quotes: in the heading or subheading when
    the finding names it as its column, else in the body and failing that in a heading."""
    named = _part_names().get(finding.column)
    for part in (named,) if named else (BODY, SUBHEADING, HEADING):
        span = find_quote(getattr(narrative, part) or "", finding.message)
        if span is not None:
            return part, span
    return None


@lru_cache(maxsize=1)
def _part_names() -> dict[str, str]:
    """The names the checks give a heading and a subheading as a finding's column, in
    every language they may have run in."""
    names = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names[_("标题")] = HEADING
            names[_("小标题")] = SUBHEADING
    return names


def _shown_with(narratives: list, narrative):
    """The narrative above which its heading is shown: the first of the run of texts of the
    same table that print the same heading (a page prints a heading only when it changes)."""
    shown = narrative
    for n in reversed(narratives[: narratives.index(narrative)]):
        if n.table_number != narrative.table_number:
            continue
        if n.heading != narrative.heading:
            break
        shown = n
    return shown


def _add(found: list[TextMark], span: tuple[int, int], finding, part: str) -> TextMark:
    """A finding's mark: an overlapping mark of the same part takes it (and grows to cover
    both)."""
    start, end = span
    for mark in found:
        if mark.part == part and start < mark.end and mark.start < end:
            mark.start, mark.end = min(start, mark.start), max(end, mark.end)
            mark.findings.append(finding)
            return mark
    mark = TextMark(start, end, [finding], part)
    found.append(mark)
    return mark


def _merged(marks: list[TextMark]) -> list[TextMark]:
    """Marks that grew into each other become one."""
    out: list[TextMark] = []
    for mark in sorted(marks, key=lambda m: m.start):
        if out and mark.start < out[-1].end:
            out[-1].end = max(out[-1].end, mark.end)
            out[-1].findings.extend(mark.findings)
        else:
            out.append(TextMark(mark.start, mark.end, list(mark.findings), mark.part))
    return out


def marked_heading(heading: str, marks: list[TextMark]) -> SafeString:
    """A heading or subheading escaped, with each mark in place (escaping keeps every
    character, so no mark is ever lost from a heading)."""
    return marked_body(heading, marks, escape)


def marked_body(body: str, marks: list[TextMark], render) -> SafeString:
    """The body rendered by `render` (text → sanitised HTML) with each mark in place."""
    body = OWN_MARKERS.sub("\ufffd", body or "")
    marks = _merged(marks)[: (LAST_MARKER - FIRST_MARKER + 1) // 2]
    pieces, last = [], 0
    for i, mark in enumerate(marks):
        opening, closing = chr(FIRST_MARKER + 2 * i), chr(FIRST_MARKER + 2 * i + 1)
        pieces += [body[last : mark.start], opening, body[mark.start : mark.end], closing]
        last = mark.end
    html = str(render("".join(pieces) + body[last:]))
    lost = []
    for i, mark in enumerate(marks):
        opening, closing = chr(FIRST_MARKER + 2 * i), chr(FIRST_MARKER + 2 * i + 1)
        o, c = html.find(opening), html.find(closing)
        if 0 <= o < c:
            inside = _wrap(html[o + 1 : c], mark)
            html = html[:o] + inside + _note(mark) + html[c + 1 :]
        else:
            html = html.replace(opening, "").replace(closing, "")
            lost.append(mark)
    for mark in lost:
        # The sanitiser dropped what was around the sentence: the sentence is quoted
        # below the text so that the finding's link still arrives somewhere.
        quoted = escape(body[mark.start : mark.end])
        html += f'<p class="text-finding-lost">{_wrap(quoted, mark)}{_note(mark)}</p>'
    return mark_safe(OWN_MARKERS.sub("", html))  # built from sanitised or escaped HTML


def _wrap(inside: str, mark: TextMark) -> str:
    """Each run of text between tags in its own <mark> (never across an element), the
    first carrying the id the finding links to."""
    out, first = [], True
    for piece in TAG.split(inside):
        if not piece or TAG.fullmatch(piece) or not piece.strip():
            out.append(piece)
            continue
        ident = f' id="{mark.anchor}" tabindex="-1"' if first else ""
        out.append(f'<mark class="text-finding {mark.severity}"{ident}>{piece}</mark>')
        first = False
    if first:  # nothing but tags: an empty mark keeps the anchor
        out.insert(
            0,
            f'<mark class="text-finding {mark.severity}" id="{mark.anchor}" tabindex="-1"></mark>',
        )
    return "".join(out)


def _note(mark: TextMark) -> str:
    """The words after a marked sentence: which findings, linked back to each."""
    return "".join(
        format_html(
            '<a class="text-finding-note {}" href="#finding-{}">{}</a>',
            f.severity,
            f.pk,
            _("（核对发现：{severity}，见检查结果）").format(severity=f.get_severity_display()),
        )
        for f in mark.findings
    )
