"""From finding to 销号 in a real browser at phone width: the inspector fails an item and files the ticket,
the secretary answers it, the inspector accepts and closes it, and the ledger shows it closed."""

from datetime import date

import pytest
from django.utils import timezone, translation

from core.scoping import Role
from inspections import services
from inspections.choices import ItemResult, TicketStatus
from inspections.models import ChecklistTemplate, Inspection, RectificationTicket
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def logout(page) -> None:
    """Switch users: drop the session cookie (the logout button itself is covered in tests/accounts)."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")


def submit(page, button) -> None:
    """Click a form's button and wait for the page the server answers with (POST, redirect, GET)."""
    with page.expect_navigation():
        button.click()


def label(choice) -> str:
    with translation.override("zh-hans"):
        return str(choice.label)


def make_inspection(world):
    services.ensure_tenant_defaults(tenant_id=world.tenant.pk)
    return services.inspection_create(
        actor=world.user(Role.INSPECTOR), organization=world.general_branch, kind="supervision",
        title="组织生活制度落实情况督查", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30),
        review_from=date(2026, 7, 1), review_to=date(2026, 9, 30), targets=[world.branch],
        template=ChecklistTemplate.objects.get(tenant=world.tenant))


def test_from_finding_to_closed_ticket(page, world_a, world_b):
    inspection = make_inspection(world_a)
    visit = inspection.visits.get()
    item = visit.items.order_by("position").first()
    inspector, secretary = world_a.user(Role.INSPECTOR), world_a.user(Role.SECRETARY)

    # The inspector records the visit: fails the first check with a note and files the ticket from it.
    login(page, inspector.username)
    page.goto("/inspections/")
    page.get_by_role("link", name=inspection.title).click()
    page.get_by_role("link", name=world_a.branch.name).click()
    page.wait_for_url(f"**/inspections/visits/{visit.pk}/")
    assert page.get_by_test_id("facts").is_visible()
    card = page.get_by_test_id(f"item-{item.pk}")
    card.get_by_test_id("result-failed").click()
    card.get_by_test_id("note").fill("近三个月支部委员会会议记录缺少签到表")
    screenshot(page, "inspections-visit-recording-phone")
    submit(page, card.get_by_test_id("save-check"))
    card = page.get_by_test_id(f"item-{item.pk}")
    assert card.get_by_test_id("item-result").inner_text() == label(ItemResult.FAILED)
    card.get_by_test_id("file-ticket-open").click()
    card.locator("input[name=responsible_person]").fill("张书记")
    card.locator("select[name=severity]").select_option("high")
    submit(page, card.get_by_test_id("file-ticket-submit"))
    page.wait_for_url("**/inspections/tickets/*/")
    ticket = RectificationTicket.objects.get(check_item=item)
    assert ticket.number in page.inner_text("h1")
    assert page.get_by_test_id("finding-link").is_visible()
    assert page.get_by_test_id("transition-acknowledge").count() == 0  # not the inspector's to answer
    logout(page)

    # The secretary answers it: acknowledge, start, submit with what was done.
    login(page, secretary.username)
    page.goto("/inspections/ledger/")
    page.get_by_role("link", name=ticket.number).click()
    page.wait_for_url(f"**/inspections/tickets/{ticket.pk}/")
    for action in ("acknowledge", "start"):
        submit(page, page.get_by_test_id(f"transition-{action}").get_by_role("button"))
    form = page.get_by_test_id("transition-submit")
    form.locator("textarea[name=completion]").fill("已补齐签到表，书记和记录人已签字")
    screenshot(page, "inspections-ticket-secretary-phone")
    submit(page, form.get_by_role("button"))
    assert page.get_by_test_id("ticket-status").inner_text() == label(TicketStatus.SUBMITTED)
    for inspector_only in ("accept", "close", "return"):
        assert page.get_by_test_id(f"transition-{inspector_only}").count() == 0
    logout(page)

    # The inspector accepts and closes it (销号).
    login(page, inspector.username)
    page.goto(f"/inspections/tickets/{ticket.pk}/")
    submit(page, page.get_by_test_id("transition-accept").get_by_role("button"))
    submit(page, page.get_by_test_id("transition-close").get_by_role("button"))
    assert page.get_by_test_id("ticket-status").inner_text() == label(TicketStatus.CLOSED)
    assert page.get_by_test_id("closed-at").inner_text().strip() not in ("", "—")

    page.goto("/inspections/ledger/")
    row = page.get_by_test_id(f"ticket-row-{ticket.pk}")
    assert row.get_by_test_id("ticket-status").inner_text() == label(TicketStatus.CLOSED)
    ticket.refresh_from_db()
    assert row.get_by_test_id("closed-at").inner_text().strip() == f"{timezone.localtime(ticket.closed_at):%Y-%m-%d}"
    assert world_b.branch.name not in page.content()
    screenshot(page, "inspections-ledger-closed-phone")



def test_pages_fit_a_phone_and_a_desktop(page, desktop_page, world_a):
    """Every inspection page at 390px has no sideways scrolling; both widths are kept as screenshots."""
    from tests.factories import file_ticket, populate_inspections, record_meeting

    made = populate_inspections(world_a)
    ticket, visit = made["ticket"], made["visit"]
    secretary, inspector = world_a.user(Role.SECRETARY), world_a.user(Role.INSPECTOR)
    record_meeting(world_a.branch, starts_at=timezone.make_aware(timezone.datetime(2025, 11, 5, 9)),
                   topic="十一月主题党日", finalize=True)
    services.measure_add(actor=secretary, ticket=ticket, description="补齐近三个月会议签到表并存档",
                         owner="组织委员", due_on=date(2099, 1, 31))
    services.comment_add(actor=secretary, ticket=ticket, text="已安排组织委员逐次核对会议记录")
    services.ticket_transition(actor=secretary, ticket=ticket, action="acknowledge")
    services.ticket_set_supervision(actor=inspector, ticket=ticket, registered=True)
    late = file_ticket(world_a.branch, problem="党费收缴台账未按月登记，部分党员欠缴超过三个月", actor=inspector)
    RectificationTicket.objects.filter(pk=late.pk).update(deadline=date(2026, 1, 31))
    urls = {
        "list": "/inspections/", "create": "/inspections/new/",
        "detail": f"/inspections/{made['inspection'].pk}/", "visit": f"/inspections/visits/{visit.pk}/",
        "ledger": "/inspections/ledger/", "ticket": f"/inspections/tickets/{ticket.pk}/",
        "ticket-create": "/inspections/tickets/new/",
    }
    for browser_page, width in ((page, "phone"), (desktop_page, "desktop")):
        login(browser_page, inspector.username)
        for name, url in urls.items():
            browser_page.goto(url)
            assert browser_page.locator("h1").first.is_visible(), url
            if width == "phone":
                overflow = browser_page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= 390, f"{url} is {overflow}px wide at phone width"
            screenshot(browser_page, f"inspections-{name}-{width}")


def test_plan_an_inspection_on_the_page(desktop_page, world_a):
    """The targets list follows the organizing unit and the search box; the plan is created with its visit."""
    page = desktop_page
    login(page, world_a.user(Role.TENANT_ADMIN).username)
    page.goto("/inspections/new/")
    page.locator("#id_title").fill("第四季度随机抽查")
    page.locator("#id_kind").select_option("random")
    targets = page.get_by_test_id("targets")
    other = targets.locator(f"input[value='{world_a.other_branch.pk}']")
    assert other.is_visible()  # the root is the first organizing unit: its whole tree can be chosen
    page.locator("#id_organization").select_option(str(world_a.general_branch.pk))
    assert not other.is_visible() and other.is_disabled()
    targets.locator("[data-pick-search]").fill(world_a.group.name)
    assert not targets.locator(f"input[value='{world_a.branch.pk}']").is_visible()
    targets.locator("[data-pick-search]").fill("")
    targets.locator(f"label[for='target-{world_a.branch.pk}']").click()
    assert "1" in targets.locator("[data-pick-count]").inner_text()
    submit(page, page.locator("form[data-testid=inspection-form] button[type=submit]"))
    page.wait_for_url("**/inspections/*/")
    inspection = Inspection.objects.get(title="第四季度随机抽查")
    assert inspection.kind == "random" and [v.target_id for v in inspection.visits.all()] == [world_a.branch.pk]
    assert page.get_by_test_id(f"visit-{inspection.visits.get().pk}").is_visible()
