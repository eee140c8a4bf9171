"""Form widgets written out in Python: the same HTML as Django's widget templates.

Django renders each widget through its template engine (``input.html``, ``attrs.html``,
and for a ``<select>`` one ``select_option.html`` include per option): the category
filter of the shop list, a hundred options, cost about 3 ms a page. ``render`` writes
the same markup from the same widget context (``widget.get_context``: names, ids,
values, ``selected``/``checked``, the attributes a form adds) for the plain input and
select widgets with Django's own templates and renderer, and hands anything else
(textareas, multiple widgets, custom templates or renderers) to Django.
"""

from __future__ import annotations

from django.forms import widgets as django_widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_TEMPLATES = "django/forms/widgets/"
# The widget templates that are only ``{% include "django/forms/widgets/input.html" %}``.
_INPUTS = frozenset(
    f"{_TEMPLATES}{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)
_SELECT = f"{_TEMPLATES}select.html"
_OPTION = f"{_TEMPLATES}select_option.html"


def _attrs(attrs: dict) -> str:
    """``attrs.html``: `` name="value"``, a bare `` name`` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _plain(widget: django_widgets.Widget) -> str:
    """Which of the Python writers can stand in for this widget's template, if any."""
    if isinstance(widget, django_widgets.Input) and widget.template_name in _INPUTS:
        return "input"
    if (
        isinstance(widget, django_widgets.Select)
        and not widget.allow_multiple_selected
        and widget.template_name == _SELECT
        and widget.option_template_name == _OPTION
    ):
        return "select"
    return ""


def render(field: BoundField, attrs: dict | None = None) -> SafeString:
    """``field.as_widget(attrs=attrs)``, without the template engine when the widget is a
    plain input or select rendered by Django's default templates."""
    widget = field.field.widget
    kind = _plain(widget)
    if not kind or type(field.form.renderer) is not DjangoTemplates:
        return field.as_widget(attrs=attrs)
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs or {}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    html = _input(context) if kind == "input" else _select(context)
    return mark_safe(html)  # noqa: S308 (every name and value escaped above)
