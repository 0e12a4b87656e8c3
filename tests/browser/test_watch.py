"""The browser checks themselves fail when a page misbehaves."""

import pytest

from tests.browser.conftest import Watch


def test_watch_fails_on_a_foreign_request_and_a_console_error(browser, server):
    watch = Watch()
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    watch.attach(page)
    page.route("http://example.invalid/**", lambda route: route.abort())
    page.goto("/login")
    page.evaluate("""() => { console.error("boom");
        const img = document.createElement('img'); img.src = 'http://example.invalid/x.png';
        document.body.appendChild(img); }""")
    page.wait_for_timeout(300)
    context.close()
    with pytest.raises(AssertionError, match="example.invalid"):
        watch.check()
    watch.foreign.clear()
    with pytest.raises(AssertionError, match="boom"):
        watch.check()
