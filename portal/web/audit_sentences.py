"""The audit log in Dutch sentences, for the privacy officer.

An audit entry holds codes (action "read", object "pip_task", subject "inburgeraar:14"). This
catalogue turns each action on each kind of object into a Dutch verb phrase, and each kind of
object into a noun, so that a log line reads "Dirk Docent (Taalhuis Kennemerland,
taalaanbieder) las de taak Taalles van dossier 14". `tests/web/test_audit_sentences.py`
finds every action and object the code can write and fails when one has no sentence here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.casefile.intake_sections import SECTIONS
from portal.casefile.task_templates import DEFAULT_KINDS
from tenants.roles import ROLE_LABELS, Role

# Object types that end in a variable part share one entry: "intake.gezondheid" → "intake.*".
INTAKE_SECTION = "intake.*"

# (action, object type) → verb phrase; "{object}" is where the object's noun goes.
PHRASES: dict[tuple[str, str], str] = {
    # Sessions and people of the regio.
    ("login", "session"): "logde in",
    ("list", "person"): "bekeek de lijst met medewerkers",
    ("read", "person"): "bekeek {object}",
    ("update", "person"): "wijzigde {object}",
    ("deactivate", "person"): "zette {object} uit",
    ("add_membership", "membership"): "gaf {object} een nieuwe rol",
    ("activate_membership", "membership"): "zette een rol van {object} weer aan",
    ("deactivate_membership", "membership"): "zette een rol van {object} uit",
    ("invite", "invitation"): "verstuurde {object}",
    ("accept", "invitation"): "nam {object} aan",
    ("decline", "invitation"): "sloeg {object} af",
    ("change_password", "session"): "wijzigde het eigen wachtwoord",
    ("unlock", "session"): "ontgrendelde het scherm na de bevestiging door cursisten",
    ("as_system", "regio"): "gebruikte een systeemweergave van de gegevens van de regio",
    ("create", "regio"): "maakte de regio aan",
    ("update", "regio_settings"): "wijzigde de instellingen van de regio",
    ("update", "reminder_settings"): "wijzigde de herinneringen van de regio",
    ("update", "notification_preference"): "koos hoe hij of zij meldingen per e-mail krijgt",
    ("update", "task_templates"): "wijzigde het takenplan van de regio",
    # The case file.
    ("list", "inburgeraar"): "bekeek de lijst met inburgeraars",
    ("export", "inburgeraar"): "downloadde de lijst met inburgeraars",
    ("read", "inburgeraar"): "bekeek {object}",
    ("create", "inburgeraar"): "schreef {object} in",
    ("assign", "inburgeraar"): "wees een regievoerder toe aan {object}",
    ("update", "inburgeraar"): "wijzigde gegevens van {object}",
    ("link_household", "inburgeraar"): "koppelde {object} aan een huishouden",
    ("compare_overdracht", "inburgeraar"): "vergeleek {object} met een overdracht van COA",
    ("link_overdracht", "inburgeraar"): "koppelde {object} aan een overdracht van COA",
    ("unlink_household", "inburgeraar"): "haalde {object} uit een huishouden",
    ("import_check", "inburgeraar"): "controleerde een bestand met DUO-signalen",
    ("import", "inburgeraar"): "las een bestand met DUO-signalen in",
    ("bsn_lookup", "inburgeraar"): "liet een BSN of V-nummer opzoeken in de hele regio",
    ("search_by_name", "inburgeraar"): "zocht in het logboek dossiers op naam",
    ("read", "intake"): "bekeek {object}",
    ("prefill", "intake"): "vulde {object} vooraf in met wat COA schreef",
    ("update", INTAKE_SECTION): "wijzigde {object}",
    (
        "record_basis",
        INTAKE_SECTION,
    ): "legde de grondslag voor gezondheidsgegevens vast bij {object}",
    ("update", "pip"): "bewaarde een concept van {object}",
    ("vaststellen", "pip"): "stelde {object} vast",
    ("afronden", "pip"): "rondde {object} af",
    ("list", "pip_task"): "bekeek de lijst met taken",
    ("read", "pip_task"): "bekeek {object}",
    ("create", "pip_task"): "maakte {object} aan",
    ("update", "pip_task"): "werkte {object} bij",
    ("reassign", "pip_task"): "droeg {object} over aan een andere organisatie",
    # COA: koppeling and warme overdracht.
    ("list", "overdracht"): "bekeek de lijst met overdrachten",
    ("read", "overdracht"): "bekeek {object}",
    ("create", "overdracht"): "maakte {object} aan",
    ("update", "overdracht"): "wijzigde de koppeling van {object}",
    ("add_member", "overdracht"): "voegde een gezinslid toe aan {object}",
    ("update_member", "overdracht"): "wijzigde een gezinslid in {object}",
    ("remove_member", "overdracht"): "verwijderde een gezinslid uit {object}",
    ("update_profile", "overdracht"): "wijzigde het informatieprofiel van {object}",
    ("update_talk", "overdracht"): "legde het overdrachtsgesprek van {object} vast",
    ("submit", "overdracht"): "diende {object} in bij de gemeente",
    ("ask", "overdracht"): "stelde een vraag over {object}",
    ("answer", "overdracht"): "beantwoordde een vraag over {object}",
    ("accept", "overdracht"): "accepteerde {object}",
    ("attach", "overdracht_document"): "voegde {object} toe",
    ("download", "overdracht_document"): "downloadde {object}",
    ("remove", "overdracht_document"): "verwijderde {object}",
    # Taal: enrolments, groups, lessons, attendance, verzuim, voortgang.
    ("list", "taal_enrolment"): "bekeek de lijst met cursisten",
    ("read", "taal_enrolment"): "bekeek {object}",
    ("create", "taal_enrolment"): "meldde {object} aan",
    ("accept", "taal_enrolment"): "accepteerde {object}",
    ("intake", "taal_enrolment"): "legde de intake vast van {object}",
    ("place", "taal_enrolment"): "plaatste {object} in een groep",
    ("new_code", "taal_enrolment"): "maakte een nieuwe cursistcode bij {object}",
    ("status", "taal_enrolment"): "wijzigde de status van {object}",
    ("create", "taal_group"): "maakte {object} aan",
    ("read", "taal_group"): "bekeek {object}",
    ("rooster", "taal_group"): "wijzigde het rooster van {object}",
    ("lessons", "taal_group"): "maakte de lessen van {object} aan",
    ("cancel", "taal_lesson"): "liet {object} vervallen",
    ("read", "taal_register"): "bekeek {object}",
    ("sign", "taal_register"): "tekende {object}",
    ("read", "taal_confirmation"): "opende de bevestiging door cursisten van {object}",
    ("lock", "taal_confirmation"): "gaf het scherm door voor de bevestiging van {object}",
    ("register", "taal_attendance"): "registreerde {object}",
    ("correct", "taal_attendance"): "corrigeerde {object}",
    ("confirm", "taal_attendance"): "bevestigde {object}",
    ("import", "taal_attendance"): "las {object} in uit een bestand",
    ("history", "taal_attendance"): "bekeek {object}",
    ("update", "taal_verzuim_rule"): "wijzigde de verzuimregels van de regio",
    ("signal", "taal_verzuim_signal"): "maakte {object} aan",
    ("follow_up", "taal_verzuim_signal"): "legde de opvolging vast van {object}",
    ("create", "taal_progress_report"): "diende {object} in",
    ("read", "taal_progress_report"): "bekeek {object}",
    # Maatschappelijke begeleiding and PVT.
    ("list", "begeleiding"): "bekeek de lijst met begeleidingen",
    ("read", "begeleiding"): "bekeek {object}",
    ("update", "begeleiding"): "werkte {object} bij",
    ("create", "begeleiding_contact"): "legde {object} vast",
    ("read", "pvt"): "bekeek {object}",
    ("update", "pvt"): "werkte {object} bij",
    # Convenants and declarations.
    ("create", "convenant"): "maakte {object} aan als concept",
    ("update", "convenant"): "wijzigde het concept van {object}",
    ("send", "convenant"): "verstuurde {object} ter ondertekening",
    ("change", "convenant"): "startte een nieuwe versie van {object}",
    ("accept", "convenant"): "gaf akkoord op {object}",
    ("return", "convenant"): "stuurde {object} terug met opmerkingen",
    ("comment", "convenant"): "reageerde op een afspraak van {object}",
    ("activate", "convenant"): "maakte {object} actief na het akkoord van alle partijen",
    ("reopen", "convenant"): "zette {object} terug naar concept in een nieuwe versie",
    ("expire", "convenant"): "zette {object} op verlopen na de einddatum",
    ("submit", "convenant_declaration"): "gaf {object} op met een bewijsstuk",
    ("download", "convenant_declaration"): "downloadde het bewijsstuk van {object}",
    ("check", "convenant_declaration"): "markeerde {object} als gecontroleerd",
    ("read_records", "kpi_value"): "bekeek de records achter {object}",
    (
        "create",
        "score_question",
    ): ("stelde een vraag of gaf een antwoord over een record achter een score"),
    # The audit log itself.
    ("export", "audit_log"): "downloadde een deel van het logboek",
}

# Object type → noun. "{id}" is the object's id, "{label}" a name for it where one is known.
NOUNS: dict[str, str] = {
    "session": "",
    "person": "het account",
    "membership": "het account",
    "invitation": "een uitnodiging voor de regio",
    "regio": "de regio",
    "regio_settings": "de instellingen",
    "reminder_settings": "de herinneringen",
    "notification_preference": "de e-mailkeuze",
    "task_templates": "het takenplan",
    "inburgeraar": "het dossier",
    "intake": "de brede intake",
    "pip": "het PIP",
    "pip_task": "de taak{label}",
    "overdracht": "de overdracht",
    "overdracht_document": "een document",
    "taal_enrolment": "de aanmelding bij de taalaanbieder",
    "taal_group": "lesgroep {id}",
    "taal_lesson": "les {id}",
    "taal_register": "de presentielijst van les {id}",
    "taal_confirmation": "les {id}",
    "taal_attendance": "de aanwezigheid",
    "taal_verzuim_rule": "de verzuimregels",
    "taal_verzuim_signal": "het verzuimsignaal",
    "taal_progress_report": "een voortgangsrapportage",
    "begeleiding": "de maatschappelijke begeleiding",
    "begeleiding_contact": "een contactmoment",
    "pvt": "het participatieverklaringstraject (PVT)",
    "audit_log": "het logboek",
    "convenant": "convenant {id}",
    "convenant_declaration": "verklaring {id} bij een convenant",
    "kpi_value": "de score {id}",
    "score_question": "",
}
SECTION_NOUNS = {s.key: f"het onderdeel {s.title} van de brede intake" for s in SECTIONS}

# A subject is named after its noun ("de taak … van dossier 14"); an object that is the
# subject itself is named on its own ("dossier 14", not "het dossier van dossier 14").
SUBJECT_FORMS = {"inburgeraar": "dossier {n}", "overdracht": "overdracht {n}"}

# Tasks that no PIP template makes, by kind; the others carry their template's title.
OTHER_TASK_LABELS = {
    "handmatig": "(zelf toegevoegd door de gemeente)",
    "taal.verzuim": "Verzuimsignaal",
    "taal.eind": "Eindrapportage",
}

RESULTS = {"ok": "", "denied": " (geweigerd)", "refused": " (geweigerd)"}


@dataclass(frozen=True)
class Names:
    """What the log keeps as ids, by name: the regio's people and organisations, and the
    kind of each task in view."""

    people: dict[int, str] = field(default_factory=dict)
    organisations: dict[int, str] = field(default_factory=dict)
    task_kinds: dict[int, str] = field(default_factory=dict)


def catalogue_key(action: str, object_type: str) -> tuple[str, str]:
    """The catalogue entry an entry's action and object fall under."""
    if object_type.startswith("intake."):
        return action, INTAKE_SECTION
    return action, object_type


def role_noun(role: str | None) -> str:
    """The role in running text: "taalaanbieder", "regiocoördinator", "COA-medewerker"."""
    try:
        label = ROLE_LABELS[Role(role or "")]
    except ValueError:
        # Not a role of the regio (a person answering their own invitation): no label.
        return ""
    return label if label[:3].isupper() else label[0].lower() + label[1:]


def actor_phrase(entry: dict[str, Any], names: Names) -> str:
    """Who acted: "Dirk Docent (Taalhuis Kennemerland, taalaanbieder)"."""
    person = entry.get("actor_person_id")
    if person is None:
        if entry.get("actor_role") == Role.SYSTEM:
            return "Het systeem"
        return "Iemand"
    who = names.people.get(person, f"Medewerker {person}")
    organisation = names.organisations.get(entry.get("actor_organisation_id") or 0)
    details = ", ".join(part for part in (organisation, role_noun(entry.get("actor_role"))) if part)
    return f"{who} ({details})" if details else who


def subject_phrase(subject_ref: str | None, names: Names) -> tuple[str, str] | None:
    """(kind, phrase) of the data subject: ("inburgeraar", "dossier 14")."""
    if not subject_ref or ":" not in subject_ref:
        return None
    kind, _, number = subject_ref.partition(":")
    if kind == "person":
        name = names.people.get(int(number), f"medewerker {number}") if number.isdigit() else ""
        return kind, name
    form = SUBJECT_FORMS.get(kind)
    return (kind, form.format(n=number)) if form else None


def task_label(task_id: str | None, names: Names) -> str:
    if not (task_id and task_id.isdigit()):
        return ""
    kind = names.task_kinds.get(int(task_id))
    if kind is None:
        return ""
    # Repeated and follow-up tasks carry their template's kind with a suffix ("taal.voortgang.2").
    base, _, suffix = kind.rpartition(".")
    if kind not in DEFAULT_KINDS and (suffix.isdigit() or suffix == "vervolg"):
        kind = base
    if kind in DEFAULT_KINDS:
        return f" {DEFAULT_KINDS[kind].title}"
    other = OTHER_TASK_LABELS.get(kind)
    return f" {other}" if other else ""


def object_phrase(entry: dict[str, Any], names: Names) -> str:
    """The object with its subject: "de taak Taalles van dossier 14", "dossier 14"."""
    object_type = entry["object_type"]
    subject = subject_phrase(entry.get("subject_ref"), names)
    if subject and subject[0] == object_type and object_type in SUBJECT_FORMS:
        return subject[1]
    if object_type.startswith("intake."):
        noun = SECTION_NOUNS.get(object_type.partition(".")[2], "de brede intake")
    else:
        noun = NOUNS.get(object_type, object_type)
    label = task_label(entry.get("object_id"), names) if object_type == "pip_task" else ""
    text = noun.format(id=entry.get("object_id") or "", label=label)
    if subject:
        text = f"{text} van {subject[1]}"
    return text


def sentence(entry: dict[str, Any], names: Names) -> str:
    """One audit entry as a Dutch sentence (without the time, which has its own column)."""
    key = catalogue_key(entry["action"], entry["object_type"])
    phrase = PHRASES.get(key)
    if phrase is None:
        # Only reachable by an entry older than its sentence: say what the log holds.
        phrase = f"deed '{entry['action']}' op {{object}}"
    what = phrase.format(object=object_phrase(entry, names))
    result = RESULTS.get(entry.get("result") or "ok", f" (resultaat: {entry.get('result')})")
    return f"{actor_phrase(entry, names)} {what}{result}."
