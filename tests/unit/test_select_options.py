"""A select's options: escaped, the chosen one selected, rendered once for a picker shown often."""

from __future__ import annotations

from headway.web.ui.context import Choices, option_tags

PEOPLE = [("", "(none)"), (7, "Ada <Lovelace>"), (12, 'Bob "B" & Co')]


def test_the_chosen_option_is_selected_and_every_value_and_label_escaped() -> None:
    html = str(option_tags(PEOPLE, "12"))
    assert html == (
        '<option value="">(none)</option>'
        '<option value="7">Ada &lt;Lovelace&gt;</option>'
        '<option value="12" selected>Bob &#34;B&#34; &amp; Co</option>'
    )


def test_options_rendered_once_mark_each_select_s_own_choice_as_a_loop_would() -> None:
    once = Choices(PEOPLE)
    for chosen in ("", "7", "12", "99", "<7>"):
        assert once.tags(chosen) == option_tags(PEOPLE, chosen)
        assert option_tags(once, chosen) == option_tags(PEOPLE, chosen)
    assert str(once.tags("7")).count("selected") == 1
