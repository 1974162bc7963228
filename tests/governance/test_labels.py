"""Ballot choices read as votes in Korean, apart from the plain yes/no of filters."""

from django.utils import translation

from moim.governance.enums import OptionValue


def test_ballot_choices_read_as_votes_in_korean() -> None:
    with translation.override("ko"):
        labels = [str(label) for label in OptionValue.labels[:3]]
        plain_yes = translation.gettext("Yes")

    assert labels == ["찬성", "반대", "기권"]
    assert plain_yes != "찬성"
