"""Read the forms of an HTML page the way a browser would submit them (inputs, ticked boxes, the pressed button)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class Form:
    """One ``<form>``: where it posts, the fields a browser would send, and the named submit buttons."""

    action: str
    method: str
    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def submission(
        self, press: str | None = None, value: str | None = None, **overrides: str
    ) -> list[tuple[str, str]]:
        """The data sent by pressing the button named ``press`` (and ``value``), with ``overrides`` filled in."""
        data = [(name, current) for name, current in self.fields if name not in overrides]
        data += list(overrides.items())
        if press is not None:
            for name, button_value in self.buttons:
                if name == press and value in (None, button_value):
                    data.append((name, button_value))
                    break
            else:
                raise LookupError(f"The form has no button {press}={value!r} (it has {self.buttons}).")
        return data


class _FormParser(HTMLParser):
    """Collects every form with the values a browser would submit: text, hidden, ticked checkboxes and radios."""

    def __init__(self, base_url: str):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = urljoin(self.base_url, attributes.get("action") or self.base_url)
            self._current = Form(action=action, method=attributes.get("method", "get").lower(), attrs=attributes)
            self.forms.append(self._current)
            return
        form = self._current
        if form is None or "name" not in attributes or "disabled" in attributes:
            return
        name, value = attributes["name"], attributes.get("value", "")
        kind = attributes.get("type", "text" if tag == "input" else "submit").lower()
        if tag == "button" or kind == "submit":
            form.buttons.append((name, value))
        elif tag == "input" and kind in {"checkbox", "radio"}:
            if "checked" in attributes:
                form.fields.append((name, value or "on"))
        elif tag == "input":
            form.fields.append((name, value))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None

    def handle_data(self, data):
        if self._current is not None and data.strip():
            self._current.texts.append(data.strip())


def parse_forms(html: str, base_url: str) -> list[Form]:
    """Every form on the page, with relative actions resolved against ``base_url``."""
    parser = _FormParser(base_url)
    parser.feed(html)
    return parser.forms


def find_form(html: str, base_url: str, *, field_name: str) -> Form:
    """The first form that has a field or button called ``field_name``."""
    for form in parse_forms(html, base_url):
        if any(name == field_name for name, _ in [*form.fields, *form.buttons]):
            return form
    raise LookupError(f"No form with a field named {field_name!r} on {base_url}.")
