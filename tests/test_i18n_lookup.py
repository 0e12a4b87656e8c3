"""The request's translations are found the fast way and are Flask-Babel's own.

``taskforce.extensions`` reads the locale Flask-Babel chose for the request from its state
instead of through its context lookups; what a text becomes must not change, in Python and in
templates, and must follow ``force_locale`` and ``refresh`` as Flask-Babel does.
"""

from flask import render_template_string
from flask_babel import (
    Domain,
    force_locale,
    get_locale,
    get_translations,
    gettext,
    ngettext,
    refresh,
)

from taskforce.extensions import RequestDomain, babel, translations

TEMPLATE = ('{{ _("Tasks") }}|{{ ngettext("%(num)s service", "%(num)s services", 3) }}|'
            '{{ _("originally %(date)s", date="01/02/2026") }}')


def texts():
    return (gettext("Tasks"), ngettext("%(num)s service", "%(num)s services", 3),
            render_template_string(TEMPLATE))


def test_the_domain_is_the_fast_one(app):
    assert isinstance(babel.domain_instance, RequestDomain)


def test_texts_follow_the_chosen_locale_and_force_locale_and_refresh(app):
    with app.test_request_context("/"):
        app.config["BABEL_DEFAULT_LOCALE"] = "vi"
        assert str(get_locale()) == "vi"
        assert translations() is get_translations()
        vietnamese = texts()
        assert vietnamese[0] == "Nhiệm vụ" and vietnamese[2].startswith("Nhiệm vụ|")
        with force_locale("en"):
            assert translations() is get_translations()
            assert texts() == ("Tasks", "3 services",
                               "Tasks|3 services|originally 01/02/2026")
        assert texts() == vietnamese
        app.config["BABEL_DEFAULT_LOCALE"] = "en"
        refresh()
        assert texts()[0] == "Tasks"
        app.config["BABEL_DEFAULT_LOCALE"] = "vi"
        refresh()
        assert texts() == vietnamese


def test_outside_a_request_texts_are_translated_as_flask_babel_does(app):
    plain = Domain()  # Flask-Babel's own lookup
    assert gettext("Tasks") == plain.gettext("Tasks") == "Nhiệm vụ"
    assert translations().ugettext("Tasks") == plain.get_translations().ugettext("Tasks")
    with app.test_request_context("/"), force_locale("en"):
        assert gettext("Tasks") == plain.gettext("Tasks") == "Tasks"
        assert render_template_string(TEMPLATE).startswith("Tasks|")


def test_without_an_application_nothing_is_translated():
    assert gettext("Tasks") == "Tasks"
    assert translations().ugettext("Tasks") == "Tasks"


SNIPPETS = [
    '{{ _("Tasks") }}', '{{ gettext("Tasks") }}', '{{ _("100%% done") }}',
    '{{ _("originally %(date)s", date="<b>01/02</b>") }}',
    '{{ ngettext("%(num)s service", "%(num)s services", 1) }}',
    '{{ ngettext("%(num)s service", "%(num)s services", n) }}',
    '{{ ngettext("moved %(num)s time", "moved %(num)s times", 2, num="<i>2</i>") }}',
    '{% autoescape false %}{{ _("originally %(date)s", date="<b>") }}{% endautoescape %}',
]


def test_the_templates_gettext_writes_what_jinjas_own_writes(app):
    from jinja2.ext import _make_new_gettext, _make_new_ngettext

    ours = {name: app.jinja_env.globals[name] for name in ("_", "gettext", "ngettext")}
    jinja = {"gettext": _make_new_gettext(lambda s: get_translations().ugettext(s)),
             "ngettext": _make_new_ngettext(
                 lambda s, p, n: get_translations().ungettext(s, p, n))}
    jinja["_"] = jinja["gettext"]
    for locale in ("vi", "en"):
        with app.test_request_context("/"), force_locale(locale):
            written = {}
            for name, functions in (("ours", ours), ("jinja", jinja)):
                app.jinja_env.globals.update(functions)
                written[name] = [app.jinja_env.from_string(s).render(n=5) for s in SNIPPETS]
            app.jinja_env.globals.update(ours)
            assert written["ours"] == written["jinja"]
            assert "&lt;b&gt;01/02&lt;/b&gt;" in written["ours"][3]


def test_the_fast_python_gettext_returns_flask_babels_texts(app):
    from taskforce import extensions

    for locale in ("vi", "en"):
        with app.test_request_context("/"), force_locale(locale):
            assert extensions.gettext("Tasks") == gettext("Tasks")
            assert extensions.gettext("originally %(date)s", date="01/02") == \
                gettext("originally %(date)s", date="01/02")
            for n in (1, 4):
                assert extensions.ngettext("%(num)s service", "%(num)s services", n) == \
                    ngettext("%(num)s service", "%(num)s services", n)
