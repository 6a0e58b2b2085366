"""Read forms from a rendered page as a browser would, so tests post exactly what the page posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)
    enctype: str = "application/x-www-form-urlencoded"

    def data(self, **overrides: object) -> dict[str, object]:
        """What submitting the form unchanged sends, with ``overrides`` typed in."""
        values: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in ("submit", "button", "reset", "image", "file"):
                continue
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    values.setdefault(f.name, []).append(f.value or "on")
            elif f.kind == "select":
                chosen = f.selected or ([] if f.multiple or not f.options else [f.options[0]])
                values.setdefault(f.name, []).extend(chosen)
            else:
                values.setdefault(f.name, []).append(f.value)
        result: dict[str, object] = {k: v[0] if len(v) == 1 else v for k, v in values.items()}
        result.update(overrides)
        return result

    def field_names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields
                                  if f.kind not in ("submit", "button", "reset", "image") and f.name))


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: str | None = None
        self._option_selected = False
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower(),
                              enctype=a.get("enctype", "application/x-www-form-urlencoded"))
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            self._form.fields.append(Field(a["name"], a.get("type", "text").lower(), a.get("value", ""),
                                           checked="checked" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select", multiple="multiple" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            self._option_selected = "selected" in a
            if self._option is not None:
                self._finish_option()

    def _finish_option(self, text: str = "") -> None:
        value = self._option if self._option is not None else text.strip()
        self._select.options.append(value)
        if self._option_selected:
            self._select.selected.append(value)
        self._option = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms(html: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def form(html: str, action: str) -> Form:
    """The page's form posting to ``action`` (or a POST form without an action, which posts to the page)."""
    page_forms = forms(html)
    found = ([f for f in page_forms if f.action.split("#")[0] == action]
             or [f for f in page_forms if f.action == "" and f.method == "post"])
    assert found, f"no form for {action!r} on the page"
    return found[0]
