"""Form widgets of civicdesk."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class QuickSelectMixin:
    """Renders a <select> in Python instead of through one template per option.

    Django renders every option through its own template; the filter bar of a queue (eight
    selects) took a third of the page's time that way. The markup is the same.
    """

    def render(self, name, value, attrs=None, renderer=None):
        """The <select> element with its options (and option groups, if any)."""
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (
                        "" if option["value"] is None else option["value"],
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                    for option in options
                ),
            )
            if group_name:
                rendered = format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
            groups.append(rendered)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((group,) for group in groups)),
        )


class QuickSelect(QuickSelectMixin, forms.Select):
    """A single-choice <select>, rendered in Python."""


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    """A multiple-choice <select>, rendered in Python."""


QUICK_WIDGETS = {forms.Select: QuickSelect, forms.SelectMultiple: QuickSelectMultiple}


def quicken(field: forms.Field) -> None:
    """Give a form field the Python-rendered version of its plain select widget, if it has one."""
    quick = QUICK_WIDGETS.get(type(field.widget))
    if quick is not None:
        old = field.widget
        field.widget = quick(attrs=old.attrs, choices=old.choices)
        field.widget.is_required = old.is_required
