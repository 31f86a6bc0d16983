"""`{% fragment name=value … %}…{% endfragment %}`: a part of a page remembered per viewer and
keyed by what it shows (afterclass.core.fragments).

Its body sees only the names given, plus `user` and `csrf_token`: anything else it read would
not be in the key, so it is not there to read. With the cache off it is a plain block rendered
with the page's whole context (`core/tests/test_fragments.py` compares the two)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.utils.safestring import SafeString, mark_safe

from afterclass.core import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist: NodeList, values: dict[str, FilterExpression], where: str):
        self.nodelist = nodelist
        self.values = values
        self.where = where

    def render(self, context: template.Context) -> SafeString:
        values = {name: value.resolve(context) for name, value in self.values.items()}
        request = getattr(context, "request", None)
        # Inside a fragment being rendered, a fragment is part of the outer one's HTML (keyed by
        # the outer's values): it is not remembered twice.
        inside = context.get(fragments.IN_FRAGMENT)
        viewer = None
        if request and fragments.enabled() and not inside:
            viewer = fragments.viewer_key(request)
        key = None
        if viewer is not None:
            memo: dict[int, tuple[Any, str]] = request.__dict__.setdefault("_fragment_memo", {})
            try:
                key = fragments.key(self.where, viewer, fragments.fingerprint(values, memo))
            except fragments.Unfingerprintable:
                key = None  # e.g. a form bound to what was sent: shown once, not remembered
        if key is None:
            with context.push(**values):
                return self.nodelist.render(context)
        store = fragments.cache()
        html: str | None = store.get(key)
        if html is None:
            own = context.new(
                {
                    **values,
                    "user": context.get("user"),
                    "csrf_token": context.get("csrf_token"),
                    fragments.IN_FRAGMENT: True,
                }
            )
            html = str(self.nodelist.render(own))
            store.set(key, html, fragments.TIMEOUT_SECONDS)
        if fragments.times_are_deferred():  # the whole page is worded when answered
            return mark_safe(html)  # noqa: S308 - rendered by our templates
        return mark_safe(fragments.fill_times(html))  # noqa: S308 - rendered by our templates


@register.tag
def fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()[1:]
    values = token_kwargs(bits, parser, support_legacy=False)
    if bits:
        raise template.TemplateSyntaxError(
            f"{{% fragment %}} takes only name=value pairs, not {' '.join(bits)!r}."
        )
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    origin = parser.origin.name if parser.origin is not None else "?"
    return FragmentNode(nodelist, values, f"{origin}:{token.lineno}")


@register.filter
def pick(value: Any, names: str) -> dict[str, Any]:
    """Only these attributes of `value` (comma-separated), for a fragment that reads no more of
    it: `{% fragment post=post|pick:"pk,accepted_answer_id" %}` is not re-rendered when the
    post's other fields change (the viewer's read time changes at every visit)."""
    return {name: getattr(value, name) for name in names.split(",")}
