"""Journeys through the app as people do them, in a real browser."""

from tests.browser.conftest import log_in, shot


def test_leader_logs_in_and_reads_dashboard_and_roster(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    log_in(page, "leader@taskforce.test")
    assert page.url.endswith("/dashboard")
    share = page.locator("#province-share").inner_text()
    assert "%" in share and "," in share  # Vietnamese decimal comma
    shot(page, "dashboard")
    page.locator("#more-menu").click()  # the roster is among the navbar's less used entries
    page.get_by_role("link", name="Thành viên Tổ").first.click()
    rows = page.locator("#roster tbody tr")
    assert rows.count() == 12
    assert "Phạm Duy Hưng" in rows.nth(0).inner_text()
    shot(page, "roster")


def test_language_choice_survives_logging_out_and_in(page):
    log_in(page, "viewer@taskforce.test")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.wait_for_load_state("load")  # the menus work once Bootstrap's script has run
    page.locator("#user-menu").click()  # log out is in the account's menu
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("E-mail").fill("viewer@taskforce.test")
    page.get_by_label("Password").fill("demo12345")
    page.get_by_role("button", name="Log in").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Tiếng Việt").click()
    assert page.locator("html").get_attribute("lang") == "vi"


def test_phone_width_has_no_horizontal_scroll(make_page):
    page = make_page(width=375, height=800)
    log_in(page, "leader@taskforce.test")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    shot(page, "dashboard-phone")
