"""A secretary logs in, opens the tree, opens a member — in a real browser at phone width."""

import pytest

from core.scoping import Role
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_secretary_logs_in_opens_tree_and_member(page, world_a, world_b):
    secretary = world_a.user(Role.SECRETARY)
    login(page, secretary.username)
    page.goto("/organizations/")
    assert page.get_by_text(world_a.branch.name).first.is_visible()
    page.get_by_role("link", name=world_a.branch.name).first.click()
    page.wait_for_url(f"**/organizations/{world_a.branch.pk}/")
    page.goto("/members/")
    member = world_a.members[1]
    page.get_by_role("link", name=member.name).first.click()
    page.wait_for_url(f"**/members/{member.pk}/")
    body = page.text_content("body")
    assert member.national_id_masked in body
    assert member.national_id not in body
    assert world_b.members[0].name not in page.content()
    screenshot(page, "secretary-member-detail")
