from django.test import Client

from moim.members.models import Organization


def test_home_names_the_organization(client: Client, organization: Organization) -> None:
    response = client.get("/en/")
    assert response.status_code == 200
    assert "WeGO" in response.content.decode()
