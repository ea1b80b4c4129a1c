"""Help, the accessibility statement and the privacy notice can be found from every page;
the statement and the notice can be read before signing in."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, text_of


def test_the_statement_and_the_notice_are_readable_without_signing_in(
        anonymous: Browser) -> None:
    for path, heading in (("/accessibility", "Accessibility statement for Front Door"),
                          ("/privacy", "Privacy notice")):
        response = anonymous.get(path)
        assert response.status_code == 200, path
        assert f'<h1 class="govuk-heading-l">{heading}</h1>' in text_of(response)


def test_every_page_links_help_the_statement_and_the_notice_in_its_footer(
        signed_in: Callable[[str], Browser]) -> None:
    footer = text_of(signed_in("social_worker").get("/queue")).split('class="govuk-footer"')[1]

    for link in ('href="/help"', 'href="/accessibility"', 'href="/privacy"'):
        assert link in footer
    assert "My work" in text_of(signed_in("partner").get("/help"))
