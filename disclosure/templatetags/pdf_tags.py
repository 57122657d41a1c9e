"""Template helpers of the print templates (templates/pdf/)."""

from django import template
from django.utils.safestring import SafeString

from disclosure.pdf import css_string

register = template.Library()


@register.filter(name="css_string")
def css_string_filter(text) -> SafeString:
    """Any text as a CSS string for the inlined stylesheet (`content: …`): every character
    that could end the string or the <style> element is escaped, so the result is safe."""
    return SafeString(css_string(str(text)))
