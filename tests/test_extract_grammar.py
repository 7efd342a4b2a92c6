"""Grammar rules of the extractor, one small made-up sentence each (expected values checked by hand).

Each test names the rule it checks: the head noun of the subject noun phrase, appositions, "Title Name
of Country", adjectival participles, non-state actors, coordination, quote attribution across sentences.
"""

from __future__ import annotations

from pipeline.extract import extract, extract_coded
from tests.extract_helpers import article as _article
from tests.extract_helpers import coded as _coded


def _codes(row: dict, role: str) -> list[str | None]:
    return [a["code"] for a in row[role]]


def test_title_never_starts_with_of_and_government_of_a_person_is_that_person():
    rows = _coded("The military government of President Ana Lopez declared a state of siege in Peru.")
    assert rows and [a["text"] for a in rows[0]["actor"]] == ["President Ana Lopez"]


def test_government_of_a_state_acts_for_the_state():
    rows = _coded("The government of Peru criticised Chile.")
    assert (_codes(rows[0], "actor"), _codes(rows[0], "recipient")) == (["PER"], ["CHL"])
    rows = _coded("Officials of the European Union met Chinese diplomats.")
    assert (_codes(rows[0], "actor"), _codes(rows[0], "recipient")) == (["IGO"], ["CHN"])


def test_title_name_of_country_gives_the_persons_country():
    f = extract(_article("King Omar of Jordan criticised Israel on Monday."))
    assert [(h.person, h.office, h.country) for h in f.holdings] == [("omar", "King", "jordan")]
    ev = f.events[0]
    assert (ev.type, ev.actors, ev.targets) == ("Criticism", ("omar",), ("israel",))


def test_title_of_country_without_a_name_is_the_state_acting():
    rows = _coded("The president of Chile met the foreign minister of Peru in Lima.")
    assert (rows[0]["event"], _codes(rows[0], "actor"), _codes(rows[0], "recipient")) == ("CONSULT", ["CHL"], ["PER"])


def test_more_title_modifiers():
    f = extract(_article("The Kenyan junior trade minister Ali Hassan criticised Uganda."))
    assert [(h.person, h.country) for h in f.holdings] == [("ali-hassan", "kenya")]


def test_adjectival_participle_after_be_is_not_a_passive():
    rows = _coded("Chile is opposed to Argentine mediation in the dispute.")
    opposed = next(r for r in rows if r["trigger"]["text"] == "opposed")
    assert (_codes(opposed, "actor"), _codes(opposed, "recipient")) == (["CHL"], ["ARG"])
    rows = _coded("Chile was criticised by Peru.")  # a real passive keeps its agent
    assert (_codes(rows[0], "actor"), _codes(rows[0], "recipient")) == (["PER"], ["CHL"])


def test_non_state_actors_carry_their_home_state_or_ngo_code():
    rows = _coded("Hamas threatened to attack Israel.")
    assert (rows[0]["event"], _codes(rows[0], "actor"), _codes(rows[0], "recipient")) == ("THREATEN", ["PSE"], ["ISR"])
    rows = _coded("Amnesty International accused Peru of torture.")
    assert (rows[0]["event"], _codes(rows[0], "actor")) == ("ACCUSE", ["NGO"])
    rows = _coded("The ILO urged Chile to raise wages.")
    assert _codes(rows[0], "actor") == ["IGO"]


def test_declared_with_a_noun_object_is_an_act_not_a_statement():
    f = extract(_article("Peru declared a state of emergency in Lima. Peru said that Chile had closed the border."))
    assert [s.quote for s in f.statements] == ["Chile had closed the border"]


def test_apposition_after_an_office_names_the_person():
    f = extract(_article("Iran's foreign minister, Ali Vaezi, criticised Iraq."))
    assert [(h.person, h.office, h.country) for h in f.holdings] == [("ali-vaezi", "Foreign Minister", "iran")]
    assert (f.events[0].actors, f.events[0].targets) == (("ali-vaezi",), ("iraq",))


def test_apposition_before_an_office_of_a_state_names_the_person():
    f = extract(_article("On Monday, Ali Vaezi, the foreign minister of Iran, criticised Iraq."))
    assert [(h.person, h.office, h.country) for h in f.holdings] == [("ali-vaezi", "Foreign Minister", "iran")]
    assert (f.events[0].actors, f.events[0].targets) == (("ali-vaezi",), ("iraq",))


def test_a_people_of_one_nation_in_another_state_codes_as_that_state():
    rows = _coded("Bosnian Serbs attacked Croat forces.")
    assert ([a["text"] for a in rows[0]["actor"]], _codes(rows[0], "actor")) == (["Bosnian Serbs"], ["BIH"])
    assert _codes(rows[0], "recipient") == ["HRV"]


def test_state_led_forces_code_as_the_leading_state():
    rows = _coded("US-led coalition forces attacked Iraqi positions.")
    assert (_codes(rows[0], "actor"), _codes(rows[0], "recipient")) == (["USA"], ["IRQ"])


def test_proper_organisation_names_after_a_demonym_or_state_name():
    f = extract(_article("The Serbian Workers' Union criticised the Kenya Anti-Corruption Commission."))
    ents = {e.id: (e.type, e.name, e.country) for e in f.entities}
    assert ents["serbian-workers-union"] == ("Organization", "Serbian Workers' Union", "serbia")
    assert ents["kenya-anti-corruption-commission"] == ("GovernmentBody", "Kenya Anti-Corruption Commission", "kenya")
    assert (f.events[0].actors, f.events[0].targets) == (("serbian-workers-union",), ("kenya-anti-corruption-commission",))


def test_secretary_of_state_is_one_title_before_the_name():
    f = extract(_article("US Secretary of State Ana Ruiz criticised Cuba. Ruiz met Peru's president."))
    assert [(h.person, h.office, h.country) for h in f.holdings] == [("ana-ruiz", "Secretary of State", "united-states")]
    assert f.events[0].actors == ("ana-ruiz",)


def test_coordinated_verbs_share_the_subject():
    rows = _coded("Peru met Japan and criticised China.")
    crit = next(r for r in rows if r["trigger"]["text"] == "criticised")
    assert (_codes(crit, "actor"), _codes(crit, "recipient")) == (["PER"], ["CHN"])
    rows = _coded("Peru was criticised by Chile and recalled its ambassador.")  # the subject, not the agent
    recall = next(r for r in rows if r["trigger"]["text"].startswith("recalled"))
    assert _codes(recall, "actor") == ["PER"]


def test_a_gazetteer_word_inside_the_name_of_a_thing_is_no_actor():
    rows = _coded("The China Plan was criticised by Japan.")
    assert (_codes(rows[0], "actor"), _codes(rows[0], "recipient")) == (["JPN"], [])


def test_criticising_an_act_targets_those_responsible_and_the_act_is_no_event_of_the_critic():
    f = extract(_article("Peru condemned the bombing in Lima."))
    assert [(e.type, e.actors, e.targets) for e in f.events] == [
        ("Criticism", ("peru",), ("those-responsible-for-bombing-in-lima",))]
    ent = next(e for e in f.entities if e.id == "those-responsible-for-bombing-in-lima")
    assert (ent.type, ent.name) == ("Group", "those responsible for bombing in Lima")
    assert len(extract_coded(_article("Peru condemned the bombing in Lima.")).coded) == 1


def test_said_it_would_is_a_stated_intention():
    f = extract(_article("Peru said it would add Chile to the list of partners."))
    ev = f.events[0]
    assert (ev.type, ev.actors, ev.targets, ev.modality) == ("Commitment", ("peru",), ("chile",), "planned")
    f = extract(_article("Peru said that Chile would be happy."))  # "would be" states no act
    assert f.events == ()


def test_two_letter_surnames_are_remembered():
    f = extract(_article("Chinese Premier Li Wei visited Chile. Li met Peru's president."))
    assert [(e.type, e.actors) for e in f.events][:1] == [("Visit", ("li-wei",))]
    rows = _coded("Chinese Premier Li Wei visited Chile. Li met Peru's president.")
    meet = next(r for r in rows if r["trigger"]["text"] == "met")
    assert [a["name"] for a in meet["actor"]] == ["Li Wei"]


def test_a_noun_event_takes_its_agent_from_by_and_objects_only_through_prepositions():
    rows = _coded("It was the first visit by a Chilean president since 2017.")
    assert (_codes(rows[0], "actor"), _codes(rows[0], "recipient")) == (["CHL"], [])
    rows = _coded("During the visit Peru criticised Chile.")
    visit = [r for r in rows if r["trigger"]["text"] == "visit"]
    assert all(_codes(r, "recipient") == [] for r in visit)


def test_plural_agreements_are_agreements():
    f = extract(_article("After the talks, Peru and Chile signed several memorandums of understanding."))
    assert [(e.type, e.actors) for e in f.events] == [("AgreementSigning", ("peru", "chile"))]
    assert f.agreements and set(f.agreements[0].parties) == {"peru", "chile"}


def test_capitalised_month_is_not_a_verb_and_whose_opens_a_clause():
    rows = _coded("Peru listed countries whose citizens can visit Chile in March.")
    assert not any(r["event"] == "PROTEST" for r in rows)
    assert all(_codes(r, "actor") != ["PER"] for r in rows if r["trigger"]["text"] == "visit")


def test_a_possessive_before_a_verb_form_makes_it_a_noun():
    rows = _coded("Chilean President Ana Soto visited Peru. During his visit, Bolivia closed the border.")
    visits = [r for r in rows if r["event"] == "CONSULT"]
    assert all(_codes(r, "actor") == ["CHL"] for r in visits)  # Bolivia is not the visitor
    rows = _coded("Peru criticised Yoon’s brief declaration of martial law.")
    assert not any(r["cameo"] == "040" for r in rows)  # "brief" is an adjective here, not "to brief"


def test_where_clause_visit_is_the_same_visit_and_a_trip_leg_is_kept():
    f = extract(_article("Chilean President Ana Soto visited Peru in June. "
                         "Soto began the trip in Cusco, where she toured a museum."))
    visits = [e for e in f.events if e.type == "Visit"]
    assert len(visits) == 2  # the visit, and the leg in Cusco (not the tour again)
    assert visits[1].evidence.exact.startswith("Soto began the trip in Cusco")


def test_next_summit_is_another_meeting_not_a_re_mention():
    f = extract(_article("Peru and Chile held a meeting of the Andean Community. "
                         "They will prepare the next Andean Community summit."))
    assert len([e for e in f.events if e.type == "Meeting"]) == 2


def test_pronoun_without_a_person_in_its_sentence_is_the_previous_subject():
    rows = _coded("Chilean President Ana Soto met Peruvian Foreign Minister Luis Vega. She later criticised Bolivia.")
    crit = next(r for r in rows if r["trigger"]["text"] == "criticised")
    assert [a["name"] for a in crit["actor"]] == ["Ana Soto"]


def test_weapon_of_a_state_is_that_states_act_and_reported_speech_makes_it_an_allegation():
    f = extract(_article("Peru said the hospital had been hit by a Chilean missile."))
    acc = [e for e in f.events if e.type == "Accusation"]
    assert [(e.actors, e.targets, e.modality) for e in acc] == [(("peru",), ("chile",), "alleged")]
    claim = next(c for c in f.claims if c.id == acc[0].claim)
    assert claim.text == "the hospital had been hit by a Chilean missile"


def test_troops_sent_without_an_agent_were_sent_by_their_own_state():
    rows = _coded("Chilean troops were deployed to Bolivia.")
    assert (rows[0]["cameo"], _codes(rows[0], "actor"), _codes(rows[0], "recipient")) == ("072", ["CHL"], ["BOL"])


def test_passive_agent_after_a_determiner():
    rows = _coded("The Peruvian plan was rejected by the Chilean government.")
    assert (_codes(rows[0], "actor"), _codes(rows[0], "recipient")) == (["CHL"], ["PER"])


def test_called_x_a_negative_noun_is_a_criticism_and_the_x_refers_back_to_its_actors():
    f = extract(_article("Chile deployed troops to Bolivia. Peru called the deployment a dangerous escalation."))
    crit = [e for e in f.events if e.type == "Criticism"]
    assert [(e.actors, e.targets) for e in crit] == [(("peru",), ("chile",))]
    assert crit[0].characterisations == ("dangerous escalation",)


def test_called_and_described_are_indirect_statements_of_the_subject():
    f = extract(_article("Peru's mission to the United Nations called them groundless. "
                         "The Chilean government described the relationship as stabilising."))
    assert [(s.speaker, s.quote, s.verb, s.direct) for s in f.statements] == [
        ("peru-s-mission", "them groundless", "called", False),
        ("chilean-government", "the relationship as stabilising", "described", False)]


def test_two_speakers_each_make_the_statement():
    f = extract(_article("Peruvian Foreign Minister Ana Ruiz met Chilean Foreign Minister Luis Vega. "
                         "The two ministers agreed that the two countries should keep up their cooperation."))
    assert sorted(s.speaker for s in f.statements) == ["ana-ruiz", "luis-vega"]
    assert {s.quote for s in f.statements} == {"the two countries should keep up their cooperation"}


def test_members_speaking_after_a_meeting_of_their_organisation_speak_for_it():
    f = extract(_article("The meeting of the Andean Pact brought together Peruvian Foreign Minister Ana Ruiz "
                         "and Chilean Foreign Minister Luis Vega. In a joint statement, the two ministers said "
                         "they opposed any unilateral moves.",))
    # no organisation known: each minister speaks
    assert sorted(s.speaker for s in f.statements) == ["ana-ruiz", "luis-vega"]
    f = extract(_article("The meeting of ASEAN brought together Peruvian Foreign Minister Ana Ruiz "
                         "and Chilean Foreign Minister Luis Vega. In a joint statement, the two ministers said "
                         "they opposed any unilateral moves. The ministers also said they would continue talks."))
    assert [s.speaker for s in f.statements] == ["association-of-southeast-asian-nations"] * 2
    commit = next(e for e in f.events if e.type == "Commitment")
    assert set(commit.actors) == {"ana-ruiz", "luis-vega"}  # "they" after "the ministers said"


def test_a_prepositional_place_before_a_comma_is_not_joined_to_the_subject():
    f = extract(_article("In Lima, the Chilean embassy said that Peru had closed the border."))
    assert [(s.speaker, s.quote) for s in f.statements] == [("chilean-embassy", "Peru had closed the border")]


def test_a_ministry_metonym_is_the_ministry():
    f = extract(_article("The State Department said that Peru had closed the border."))
    body = next(e for e in f.entities if e.id == "united-states-department-of-state")
    assert (body.type, body.country, body.aliases) == ("GovernmentBody", "united-states", ("State Department",))
    assert f.statements[0].speaker == "united-states-department-of-state"


def test_name_then_a_states_possessive_description_gives_the_persons_country():
    rows = _coded("Salaheddine Sidhoum, Algeria's leading human rights activist, criticised Morocco.")
    assert (_codes(rows[0], "actor"), _codes(rows[0], "recipient")) == (["DZA"], ["MAR"])
    rows = _coded("Japan, Australia's closest partner, criticised China.")  # a state, not a name: unchanged
    assert _codes(rows[0], "actor") == ["JPN"]


def test_alleged_before_a_noun_is_an_adjective():
    rows = _coded("Peru insisted that Chile must hand over alleged smugglers of the cargo.")
    assert not any(r["cameo"] == "112" for r in rows)
    rows = _coded("Peru alleged that Chile had attacked Bolivia.")
    assert any(r["cameo"] == "112" and _codes(r, "actor") == ["PER"] for r in rows)


def test_subject_before_be_and_a_light_verb_phrase_acts_in_the_noun_event():
    rows = _coded("Serb forces were engaged in ethnic cleansing in Montenegro.")
    assert (_codes(rows[0], "actor"), _codes(rows[0], "recipient")) == (["SRB"], ["MNE"])


def test_indirect_object_inside_the_verb_phrase_is_the_recipient():
    rows = _coded("Finland will give Tanzania a grant of 580 million shillings.")
    assert (rows[0]["cameo"], _codes(rows[0], "actor"), _codes(rows[0], "recipient")) == ("033", ["FIN"], ["TZA"])


def test_plover_location_and_recipient_from_the_location_when_there_is_none():
    rows = _coded("Algeria threatened to impose a curfew in Algiers.")
    row = rows[0]
    assert row["location"]["code"] == "DZA"
    assert [(r["code"], r.get("from_location")) for r in row["recipient"]] == [("DZA", True)]
    rows = _coded("Chile criticised Peru in Lima.")  # an explicit recipient stays the only one
    assert [(r["code"], r.get("from_location")) for r in rows[0]["recipient"]] == [("PER", None)]


def test_a_signing_restated_by_the_signatories_in_the_next_sentence_is_one_signing():
    text = ("Peru and Chile signed an agreement in Lima on 3 May. "
            "Peruvian Foreign Minister Ana Ruiz and Chilean Foreign Minister Luis Vega signed the deal.")
    f = extract(_article(text))
    signings = [e for e in f.events if e.type == "AgreementSigning"]
    assert len(signings) == 1
    ev = signings[0]
    assert set(ev.actors) == {"peru", "chile", "ana-ruiz", "luis-vega"}
    assert ev.evidence.exact == text  # both sentences state it
    assert len(f.agreements) == 1  # "the deal" is the agreement just reported
    assert set(f.agreements[0].signatories) == {"ana-ruiz", "luis-vega"}


def test_relative_pronoun_stands_for_the_noun_phrase_before_its_comma():
    rows = _coded("Fiji praised a plan supported by Australia, which pledged 400 million dollars to Tonga.")
    pledge = next(r for r in rows if r["trigger"]["text"].startswith("pledged"))
    assert _codes(pledge, "actor") == ["AUS"]


def test_reduced_passive_takes_its_agent_from_by():
    rows = _coded("Fiji praised a plan backed by Australia.")
    backed = next(r for r in rows if r["trigger"]["text"] == "backed")
    assert (_codes(backed, "actor"), _codes(backed, "recipient")) == (["AUS"], [])


def test_said_that_y_must_v_is_a_demand_whatever_v_is():
    rows = _coded("Peru said on Tuesday that Chile must return a helicopter.")
    dem = next(r for r in rows if r["cameo"] == "100")
    assert (dem["event"], _codes(dem, "actor"), _codes(dem, "recipient")) == ("REQUEST", ["PER"], ["CHL"])
    rows = _coded("The new administration declared that Chile must drop its tariffs.")  # unnamed speaker
    dem = next(r for r in rows if r["cameo"] == "100")
    # the speaker is an actor with no state: Chile, the state the demand is made of, is not its state
    assert [(a["text"], a["code"]) for a in dem["actor"]] == [("The new administration", None)]
    assert _codes(dem, "recipient") == ["CHL"]


def test_she_said_after_a_quote_in_a_new_paragraph_is_the_last_person_quoted():
    f = extract(_article("“We will act,” Peruvian Foreign Minister Ana Ruiz said. Chilean President Luis Vega "
                         "was in Lima.\n\n“We are ready,” she said."))
    assert [(s.speaker, s.quote) for s in f.statements] == [("ana-ruiz", "We will act"), ("ana-ruiz", "We are ready")]
