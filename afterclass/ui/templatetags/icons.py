"""`{% icon "bell" %}`: one of our own icons (static/afterclass/icons.svg), drawn in the text's
colour.

The icon is a span that the stylesheet paints with the sprite as a CSS mask over `currentColor`,
not an inline `<svg>`: the layout's HTML stays free of SVG (the XSS checks forbid the tag in a
page), and the icon takes the colour of the link it is in, in the light and the dark theme.
Icons are decorative (`aria-hidden`): the text beside them names the link.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

# Each name has a <view id="..."> in icons.svg and a rule `.icon-<name>` in afterclass.css.
ICONS = frozenset(
    {
        "home", "spaces", "search", "bell", "learning", "profile", "people", "surveys",
        "manage", "insights", "plus", "heart", "helped", "celebrate", "insightful",
        "comment", "bookmark", "follow", "more", "sign-out",
    }
)  # fmt: skip


@register.simple_tag
def icon(name: str) -> SafeString:
    if name not in ICONS:
        raise template.TemplateSyntaxError(f"No icon called {name!r}: choose from {sorted(ICONS)}")
    return format_html('<span class="icon icon-{}" aria-hidden="true"></span>', name)
