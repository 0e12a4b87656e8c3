"""Find the POST forms of rendered pages: their action, fields, options and defaults."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Field:
    """One named control: its kind, the options it offers and the value it holds."""

    name: str
    kind: str
    options: list = field(default_factory=list)
    value: str | None = None


@dataclass
class Form:
    """A POST form of a page: where it posts, how, and its fields (the CSRF token left out)."""

    page: str
    action: str
    multipart: bool
    fields: dict = field(default_factory=dict)

    def add(self, name, kind, value=None, option=None):
        entry = self.fields.setdefault(name, Field(name, kind))
        if option is not None:
            entry.options.append(option)
        if value is not None and entry.value is None:
            entry.value = value


class _Parser(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page, self.forms, self.form = page, [], None
        self.select = self.textarea = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open(attrs)
        elif self.form is not None:
            self._control(tag, attrs)

    def _open(self, attrs):
        if (attrs.get("method") or "get").lower() != "post":
            return
        action = urljoin(self.page, attrs.get("action") or self.page)
        multipart = (attrs.get("enctype") or "") == "multipart/form-data"
        self.form = Form(page=self.page, action=urlsplit(action).path +
                         (f"?{urlsplit(action).query}" if urlsplit(action).query else ""),
                         multipart=multipart)
        self.forms.append(self.form)

    def _control(self, tag, attrs):
        name = attrs.get("name")
        if tag == "option" and self.select is not None:
            selected = "selected" in attrs
            self.form.add(self.select, "select", value=attrs.get("value", "") if selected else None,
                          option=attrs.get("value", ""))
        if not name or name == "csrf_token":
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                self.form.add(name, "button", option=attrs.get("value", ""))
                return
            if kind in ("checkbox", "radio"):
                checked = attrs.get("value", "y") if "checked" in attrs else None
                self.form.add(name, kind, value=checked, option=attrs.get("value", "y"))
            else:
                self.form.add(name, kind, value=attrs.get("value", ""))
        elif tag == "button" and attrs.get("value") is not None:
            self.form.add(name, "button", option=attrs["value"])
        elif tag == "select":
            self.select = name
            self.form.add(name, "select")
        elif tag == "textarea":
            self.textarea, self.text = name, []

    def handle_data(self, data):
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            text = "".join(self.text)
            # A browser drops the one line break that follows <textarea>.
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self.form.add(self.textarea, "textarea", value=text)
            self.textarea = None


def post_forms(page_url, html):
    """The POST forms of the page at ``page_url``."""
    parser = _Parser(page_url)
    parser.feed(html)
    return parser.forms
