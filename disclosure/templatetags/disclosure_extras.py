from django import template
from django.utils.html import format_html

from disclosure.glossary import term_for

register = template.Library()


@register.filter
def term_link(text: str):
    """A header that is a glossary term links to its explanation (名词解释)."""
    term = term_for(text or "")
    if term is None:
        return text
    return format_html('<a class="term" href="#{}">{}</a>', term.anchor, text)


@register.simple_tag
def statement(view, highlights=None, disclosure=None):
    """The printed table of a view; with the disclosure, it prints the form's
    编制单位 / 年度 / 金额单位 line above the table as the paper form does."""
    from disclosure.tables import statement_table

    table = statement_table(view, highlights or set())
    table.disclosure = disclosure
    return table


@register.filter
def money(value):
    """Thousands separators and two places; blank for nothing."""
    from disclosure.money import format_amount

    return format_amount(value) if value is not None else ""


@register.filter
def get_item(mapping, key):
    """mapping[key], or None when there is no mapping (an unset template variable)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "h5",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "pre",
    "hr",
    "a",
}


@register.filter
def markdown_safe(text: str):
    """A department's explanation written in plain text or Markdown, as sanitised HTML:
    no scripts, no styles, no event handlers, links without javascript:."""
    import markdown
    import nh3
    from django.utils.safestring import mark_safe

    # A line break is kept as one: 说明 read from PDFs and workbooks put each item
    # (一、二、…) on its own line, and a preparer who breaks a line means it.
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists", "nl2br"])
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"scope"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # sanitised by nh3 just above


@register.simple_tag
def narrative_html(narrative, text_marks=None, markdown: bool = True):
    """A section's body as the page shows it (Markdown through the sanitiser, else plain
    text with line breaks), each sentence a finding is about marked and linked to it."""
    from django.utils.html import linebreaks

    from disclosure.textmarks import BODY, marked_body

    marks = _marks_of(narrative, text_marks, BODY)
    if markdown:
        return marked_body(narrative.body, marks, markdown_safe)
    return marked_body(narrative.body, marks, lambda text: linebreaks(text, autoescape=True))


@register.simple_tag
def heading_html(narrative, part: str, text_marks=None):
    """A section's heading or subheading (`part`), escaped, with the words a finding is
    about marked and linked to it as in the body."""
    from disclosure.textmarks import HEADING, SUBHEADING, marked_heading

    if part not in (HEADING, SUBHEADING):
        raise template.TemplateSyntaxError(f"heading_html: no part {part!r}")
    return marked_heading(getattr(narrative, part), _marks_of(narrative, text_marks, part))


def _marks_of(narrative, text_marks, part: str) -> list:
    found = text_marks.get(narrative.pk, []) if hasattr(text_marks, "get") else []
    return [m for m in found if m.part == part]


@register.filter
def unit_label(unit: str) -> str:
    """元 / 万元 in the reader's language."""
    from django.utils.translation import gettext

    return {"元": gettext("元"), "万元": gettext("万元")}.get(unit, unit)


@register.filter
def action_label(action: str) -> str:
    """An audit row's action in words."""
    from disclosure.audit import action_label as label

    return label(action)


@register.filter
def money_abs(value):
    """An amount without its sign (the sentence says 增加 or 减少)."""
    from disclosure.money import format_amount

    return format_amount(abs(value)) if value is not None else ""


@register.filter
def percent_abs(value) -> str:
    """A percentage without its sign, as "3.2%"."""
    return f"{abs(value)}%" if value is not None else ""


@register.filter
def status_label(value: str) -> str:
    """A disclosure status (draft, submitted …) in words."""
    from disclosure.models.statements import Status

    try:
        return Status(value).label
    except ValueError:
        return value or "—"


@register.filter
def finding_anchor(finding) -> str:
    """The id of the table cell a finding points at (empty when it names no cell)."""
    from disclosure.tables import cell_anchor

    if not finding.row_key:
        return ""
    return cell_anchor(finding.table_number, finding.row_key, finding.column_key)
