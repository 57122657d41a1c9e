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
def statement(view, highlights=None):
    from disclosure.tables import statement_table

    return statement_table(view, highlights or set())


@register.filter
def money(value):
    """Thousands separators and two places; blank for nothing."""
    from disclosure.money import format_amount

    return format_amount(value) if value is not None else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
