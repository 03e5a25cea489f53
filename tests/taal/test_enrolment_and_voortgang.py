"""Aanmelding to placement, the rooster, verzuim follow-up and voortgang, through the web and
the services, with who may see what."""

from __future__ import annotations

import re
from datetime import date, timedelta

from litestar.testing import AsyncTestClient

from partners.taal import enrolments, rooster, verzuim, voortgang
from portal.casefile import inburgeraars, pip_tasks, pips
from portal.core.clock import today
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from tenants import organisations
from tenants.roles import Role
from tests.conftest import csrf_from, login, token

DOCENT = "docent@taal.alkmaar.demo"
REGIE = "regievoerder@alkmaar.demo"
TODAY = today()


async def _new_case(data_key: str) -> int:
    """A case of Gemeente Alkmaar with a PIP naming Taalhuis Kennemerland, not yet aangemeld."""
    regie = await demo_scope(REGIE, Role.REGIEVOERDER)
    brp = TODAY - timedelta(days=30)
    case_id = await inburgeraars.register(
        regie,
        inburgeraars.NewInburgeraar(
            bsn="999990238",
            v_nummer="",
            given_names="Nadia",
            family_name="Karimi",
            birth_date="1993-01-01",
            doelgroep="asielstatushouder",
            nareiziger=False,
            plicht_start=(brp - timedelta(days=10)).isoformat(),
            brp_date=brp.isoformat(),
            languages="Dari",
            interpreter_needed=False,
            phone="",
            email="",
        ),
        data_key,
        TODAY,
    )
    school = next(
        row["id"]
        for row in await organisations.organisation_options(regie)
        if row["name"] == "Taalhuis Kennemerland"
    )
    await pips.save_concept(
        regie,
        case_id,
        pips.PipInput(
            dagtekening=(TODAY - timedelta(days=2)).isoformat(),
            leerroute="B",
            niveau="B1",
            intensiteit_b1="800",
            map=False,
            pvt=False,
            begeleiding=False,
            taalaanbieder=str(school),
        ),
    )
    await pips.vaststellen(regie, case_id, TODAY)
    return case_id


def test_weekly_hours_are_whole_or_half_hours_stored_as_minutes() -> None:
    expected = {"12": 720, "12,5": 750, "12.5": 750, "1": 60, "40": 2400, "7,50": 450}
    for raw, minutes in expected.items():
        assert enrolments.weekly_minutes(raw) == minutes, raw
    shown = {720: "12", 750: "12,5", 60: "1", 2400: "40", 450: "7,5", None: ""}
    for minutes, text in shown.items():
        assert enrolments.hours_text(minutes) == text, minutes
    for raw in ("", "0", "0,5", "40,5", "12,25", "12,3", "-1", "1e1", "12,5,5"):
        assert enrolments.weekly_minutes(raw) is None, raw


async def test_aanmelding_intake_and_placement(demo: Settings, client: AsyncTestClient) -> None:
    case_id = await _new_case(demo.data_key)
    await login(client, REGIE)
    panel = await client.get(f"/r/alkmaar/inburgeraars/{case_id}/taal")
    assert "Aanmelden bij de taalaanbieder" in panel.text
    response = await client.post(
        f"/r/alkmaar/inburgeraars/{case_id}/taal/aanmelden",
        data={"_csrf_token": csrf_from(panel.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    panel = await client.get(f"/r/alkmaar/inburgeraars/{case_id}/taal")
    assert "Taalhuis Kennemerland: aangemeld" in panel.text
    assert "Aanmelden bij de taalaanbieder</button>" not in panel.text

    client.cookies.clear()
    await login(client, DOCENT)
    listing = await client.get("/r/alkmaar/cursisten?status=aangemeld")
    enrolment = re.search(r'href="/r/alkmaar/cursisten/(\d+)">Nadia Karimi', listing.text).group(1)
    url = f"/r/alkmaar/cursisten/{enrolment}"
    csrf = await token(client, url)
    await client.post(f"{url}/accepteren", data={"_csrf_token": csrf})
    page = await client.get(url)
    assert "Intake en plaatsingstoets" in page.text

    # The intake needs every level and the hours; then placement needs a group.
    response = await client.post(
        f"{url}/intake", data={"intake_date": TODAY.isoformat(), "_csrf_token": csrf}
    )
    assert response.status_code == 400
    assert "Kies het niveau voor lezen." in response.text
    # An abbreviation keeps its capitals in a label.
    assert "Niveau KNM" in page.text and "Niveau knm" not in page.text
    levels = {f"level_{skill}": "A1" for skill in enrolments.SKILLS}
    intake = {"intake_date": TODAY.isoformat(), **levels, "_csrf_token": csrf}
    # Hours to the half hour, with a decimal comma; anything else gets a clear message.
    for refused in ("12,3", "0,5", "41", "twaalf"):
        response = await client.post(f"{url}/intake", data={**intake, "hours_per_week": refused})
        assert response.status_code == 400, refused
        assert "in hele of halve uren" in response.text, refused
    response = await client.post(
        f"{url}/intake", data={**intake, "hours_per_week": "12,5"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert "<dt>Uren per week</dt><dd>12,5</dd>" in (await client.get(url)).text
    groups = await client.get("/r/alkmaar/groepen")
    group = re.search(r'href="/r/alkmaar/groepen/(\d+)">NT2 B1 ochtend', groups.text).group(1)
    response = await client.post(
        f"{url}/plaatsen",
        data={"group_id": group, "start_date": TODAY.isoformat(), "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = await client.get(url)
    assert "Actief" in page.text and "NT2 B1 ochtend" in page.text
    response = await client.post(f"{url}/code", data={"_csrf_token": csrf})
    code = re.search(r'class="taal-code">(\d{6})<', response.text).group(1)
    assert code not in (await client.get(url)).text

    # The PIP's tasks followed: aanmelden, intake and start are done.
    client.cookies.clear()
    await login(client, REGIE)
    case = await client.get(f"/r/alkmaar/inburgeraars/{case_id}")
    for title in (
        "Aanmelden bij de taalaanbieder",
        "Intake en plaatsingstoets",
        "Start van de lessen",
    ):
        row = re.search(re.escape(title) + r"[\s\S]*?</tr>", case.text).group(0)
        assert "Afgerond" in row, title


async def test_group_rooster_skips_holidays_and_cancelled_lessons(demo: Settings) -> None:
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    monday = TODAY + timedelta(days=7 - TODAY.weekday())
    group_id = await rooster.create_group(
        docent,
        rooster.GroupInput(
            name="Alfa middag",
            docent_id=str(docent.person_id),
            location="Heiloo",
            capacity="1",
            start_date=monday.isoformat(),
            end_date=(monday + timedelta(days=13)).isoformat(),
        ),
    )
    await rooster.add_slot(docent, group_id, rooster.SlotInput("0", "13:00", "15:30"))
    await rooster.add_slot(docent, group_id, rooster.SlotInput("3", "13:00", "15:30"))
    await rooster.add_holiday(docent, "Studiedag", monday.isoformat(), monday.isoformat())
    assert await rooster.generate_lessons(docent, group_id, TODAY) == 3
    assert await rooster.generate_lessons(docent, group_id, TODAY) == 0
    lessons = await rooster.lessons_of_group(docent, group_id, TODAY)
    assert [lesson["lesson_date"] for lesson in lessons] == [
        monday + timedelta(days=3),
        monday + timedelta(days=7),
        monday + timedelta(days=10),
    ]
    assert all(lesson["minutes"] == 150 for lesson in lessons)
    await rooster.cancel_lesson(docent, lessons[0]["id"], "Docent ziek")
    again = await rooster.lessons_of_group(docent, group_id, TODAY)
    assert again[0]["status"] == "geannuleerd"


def test_verzuim_rules_on_lines() -> None:
    def line(day: int, status: str) -> dict:
        return {
            "lesson_date": date(2026, 11, day),
            "status": status,
            "minutes_offered": 180,
            "minutes_attended": 0 if status == "ongeoorloofd" else 180,
        }

    newest_first = [line(20, "ongeoorloofd"), line(19, "ongeoorloofd"), line(18, "aanwezig")]
    rule = verzuim.Rule("reeks", lessons=3)
    assert verzuim.streak(newest_first, rule) is None
    newest_first.insert(0, line(23, "ongeoorloofd"))
    assert [x["lesson_date"].day for x in verzuim.streak(newest_first, rule)] == [19, 20, 23]
    hours = verzuim.Rule("uren", hours=8, weeks=4)
    assert verzuim.hours_absent(newest_first, hours, date(2026, 11, 23)) is not None
    assert verzuim.hours_absent(newest_first, hours, date(2027, 1, 30)) is None


async def test_regievoerder_follows_up_the_signal(client: AsyncTestClient) -> None:
    await login(client, REGIE)
    tasks = await client.get("/r/alkmaar/taken?zoek=Saleh")
    case = re.search(r'href="/r/alkmaar/inburgeraars/(\d+)">Omar Saleh', tasks.text).group(1)
    panel = await client.get(f"/r/alkmaar/inburgeraars/{case}/taal")
    signal = re.search(r'action="/r/alkmaar/verzuim/(\d+)"', panel.text).group(1)
    csrf = csrf_from(panel.text)
    response = await client.post(
        f"/r/alkmaar/verzuim/{signal}", data={"follow_up": "gesprek", "_csrf_token": csrf}
    )
    assert "Vul een reden in." in response.text
    await client.post(
        f"/r/alkmaar/verzuim/{signal}",
        data={
            "follow_up": "waarschuwing",
            "follow_up_reason": "Gesprek gevoerd; schriftelijke waarschuwing verstuurd.",
            "_csrf_token": csrf,
        },
    )
    panel = await client.get(f"/r/alkmaar/inburgeraars/{case}/taal")
    assert "Opgevolgd: Schriftelijke waarschuwing" in panel.text
    tasks = await client.get("/r/alkmaar/taken?zoek=Saleh&status=afgerond")
    assert "Verzuimsignaal" in tasks.text
    # Another gemeente's regievoerder and the school cannot record a follow-up.
    client.cookies.clear()
    await login(client, "regievoerder@heiloo.demo")
    response = await client.post(
        f"/r/alkmaar/verzuim/{signal}",
        data={
            "follow_up": "geen_actie",
            "follow_up_reason": "x",
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 404


async def test_report_refuses_afschalen_before_600_hours_and_gemeente_reads_it(
    client: AsyncTestClient,
) -> None:
    await login(client, DOCENT)
    listing = await client.get("/r/alkmaar/cursisten")
    enrolment = re.search(r'href="/r/alkmaar/cursisten/(\d+)">Lina Kovalenko', listing.text).group(
        1
    )
    url = f"/r/alkmaar/cursisten/{enrolment}"
    page = await client.get(url)
    assert "Afschalen kan pas na 600 uur les. Gevolgd: 3 uur, nog 597 uur te gaan." in page.text
    levels = {f"report_level_{skill}": "A2" for skill in enrolments.SKILLS}
    form = {
        "kind": "voortgang",
        "period_end": TODAY.isoformat(),
        "advice": "afschalen",
        "remarks": "Goede inzet bij spreken.",
        "exam_knm": "gehaald",
        "_csrf_token": csrf_from(page.text),
        **levels,
    }
    response = await client.post(f"{url}/rapportages", data=form)
    assert response.status_code == 400
    assert "Afschalen kan pas na 600 uur les; er zijn nu 3 uur gevolgd." in response.text
    form["advice"] = "op_schema"
    response = await client.post(f"{url}/rapportages", data=form, follow_redirects=False)
    report_url = response.headers["location"]
    assert (await client.get(report_url)).status_code == 200

    client.cookies.clear()
    await login(client, REGIE)
    report = await client.get(report_url)
    assert "Voortgangsrapportage: Lina Kovalenko" in report.text
    assert "Goede inzet bij spreken." in report.text
    assert re.search(r"KNM</th><td[^>]*>A2</td><td[^>]*>Gehaald<", report.text)
    # Other gemeenten and other schools do not see it.
    for other in ("regievoerder@heiloo.demo", "docent@roc.alkmaar.demo"):
        client.cookies.clear()
        await login(client, other)
        assert (await client.get(report_url)).status_code == 404
        assert (await client.get(url)).status_code in (403, 404)


async def test_beheerder_sets_the_verzuim_rules(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    page = await client.get("/r/alkmaar/instellingen/verzuim")
    assert 'value="3"' in page.text
    csrf = csrf_from(page.text)
    response = await client.post(
        "/r/alkmaar/instellingen/verzuim",
        data={"lessons": "2", "hours": "10", "weeks": "", "_csrf_token": csrf},
    )
    assert response.status_code == 400
    assert "Vul een heel getal van 0 tot 52 in." in response.text
    await client.post(
        "/r/alkmaar/instellingen/verzuim",
        data={"lessons": "2", "hours": "0", "weeks": "0", "_csrf_token": csrf},
    )
    beheer = await demo_scope("beheer@alkmaar.demo", Role.BEHEERDER)
    assert await verzuim.rules(beheer) == [verzuim.Rule("reeks", lessons=2)]
    # Other roles may not change them.
    client.cookies.clear()
    await login(client, REGIE)
    assert (await client.get("/r/alkmaar/instellingen/verzuim")).status_code == 403


async def test_taal_panel_only_for_own_cases(client: AsyncTestClient) -> None:
    await login(client, REGIE)
    tasks = await client.get("/r/alkmaar/taken?zoek=Mansour&van=alle")
    case = re.search(r'href="/r/alkmaar/inburgeraars/(\d+)">Yara Mansour', tasks.text).group(1)
    url = f"/r/alkmaar/inburgeraars/{case}/taal"
    page = await client.get(url)
    assert "Voortgangsrapportage tot" in page.text
    assert "<html" in page.text
    fragment = await client.get(url, headers={"hx-request": "true"})
    assert "<html" not in fragment.text and "Voortgangsrapportage tot" in fragment.text
    for other, status in (
        ("regievoerder@heiloo.demo", 404),
        ("docent@roc.alkmaar.demo", 404),
        ("begeleider@alkmaar.demo", 403),
        ("coa@alkmaar.demo", 403),
    ):
        client.cookies.clear()
        await login(client, other)
        response = await client.get(url)
        assert response.status_code == status, other
        assert "Mansour" not in response.text


async def test_a_changed_pip_keeps_the_verzuim_and_eind_tasks(demo: Settings) -> None:
    regie = await demo_scope(REGIE, Role.REGIEVOERDER)
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    saleh = next(
        e for e in await enrolments.school_enrolments(docent) if e["family_name"] == "Saleh"
    )
    await enrolments.change_status(docent, saleh["id"], "uitgevallen", "Verhuisd", TODAY)
    current = next(
        p for p in await pips.versions(regie, saleh["inburgeraar"]) if p["status"] == "vastgesteld"
    )
    await pips.save_concept(
        regie,
        saleh["inburgeraar"],
        pips.PipInput(
            dagtekening=TODAY.isoformat(),
            leerroute="B",
            niveau="B1",
            intensiteit_b1="900",
            knm=False,
            map=False,
            pvt=False,
            begeleiding=False,
            taalaanbieder=str(current["taalaanbieder"]),
            change_summary="KNM vervalt.",
        ),
    )
    await pips.vaststellen(regie, saleh["inburgeraar"], TODAY)
    tasks = {
        t["kind"]: t["status"] for t in await pip_tasks.tasks_of_case(regie, saleh["inburgeraar"])
    }
    assert tasks["knm"] == "vervallen"
    assert tasks["taal.verzuim"] == "open"
    assert tasks["taal.eind"] == "open"


async def test_eindrapportage_is_due_when_the_route_ends(demo: Settings) -> None:
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    lina = next(
        e for e in await enrolments.school_enrolments(docent) if e["family_name"] == "Kovalenko"
    )
    await enrolments.change_status(docent, lina["id"], "afgerond", "Examen gehaald", TODAY)
    tasks = await pip_tasks.tasks_of_case(docent, lina["inburgeraar"])
    eind = next(t for t in tasks if t["kind"] == "taal.eind")
    assert eind["status"] == "open" and eind["due_date"] == TODAY + timedelta(days=14)
    await voortgang.file_report(
        docent,
        lina["id"],
        voortgang.ReportInput(
            kind="eind",
            period_end=TODAY.isoformat(),
            levels=dict.fromkeys(enrolments.SKILLS, "B1"),
            advice="op_schema",
            exams=dict.fromkeys(enrolments.SKILLS, "gehaald"),
            exam_results="",
            remarks="",
        ),
        TODAY,
    )
    tasks = await pip_tasks.tasks_of_case(docent, lina["inburgeraar"])
    assert next(t for t in tasks if t["kind"] == "taal.eind")["status"] == "afgerond"
    # The quarterly voortgang tasks are not touched by an eindrapportage.
    assert all(t["status"] == "open" for t in tasks if t["kind"].startswith("taal.voortgang"))


async def test_attendance_export_for_excel(client: AsyncTestClient) -> None:
    await login(client, DOCENT)
    listing = await client.get("/r/alkmaar/cursisten")
    enrolment = re.search(r'href="/r/alkmaar/cursisten/(\d+)">Lina Kovalenko', listing.text).group(
        1
    )
    response = await client.get(f"/r/alkmaar/cursisten/{enrolment}/aanwezigheid.csv")
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Datum;Begin;Einde;Aanwezigheid")
    assert text.count("Afwezig, ongeoorloofd") == 2
    # An absence has no learner confirmation to give: the column stays empty, not "nee".
    absences = [line for line in text.splitlines() if "Afwezig, ongeoorloofd" in line]
    assert all(line.endswith(";") for line in absences), absences
    client.cookies.clear()
    await login(client, "docent@roc.alkmaar.demo")
    assert (
        await client.get(f"/r/alkmaar/cursisten/{enrolment}/aanwezigheid.csv")
    ).status_code == 404


async def test_reports_keep_coming_every_interval_of_the_regio(demo: Settings) -> None:
    """After the PIP's planned reports, each filed voortgangsrapportage plans the next one,
    at the interval the regio's beheerder set for "taal.voortgang" (here half-yearly)."""
    from portal.casefile import task_settings, task_templates
    from portal.casefile.tables import PipTask
    from tenants.scoped import TenantData

    beheer = await demo_scope("beheer@alkmaar.demo", Role.BEHEERDER)
    plan = {f"enabled-{t.kind}": "1" for t in task_templates.DEFAULTS}
    await task_settings.save_templates(beheer, {**plan, "days-taal.voortgang": "182"})

    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    data = TenantData(docent)
    lina = next(
        row
        for row in await enrolments.school_enrolments(docent)
        if row["family_name"] == "Kovalenko"
    )
    report = voortgang.ReportInput(
        kind="voortgang",
        period_end=TODAY.isoformat(),
        levels={skill: "A1" for skill in enrolments.SKILLS},
        advice="op_schema",
        exams={},
        exam_results="",
        remarks="",
    )

    async def open_reports() -> list[dict]:
        return await (
            data.select(PipTask, PipTask.kind, PipTask.due_date)
            .where(PipTask.inburgeraar == lina["inburgeraar"])
            .where(PipTask.kind.like("taal.voortgang%"))
            .where(PipTask.status.not_in(list(pip_tasks.CLOSED)))
        )

    planned = len(await open_reports())
    assert planned >= 1
    for _ in range(planned):
        await voortgang.file_report(docent, lina["id"], report, TODAY)
    following = await open_reports()
    assert [(r["kind"], r["due_date"]) for r in following] == [
        (voortgang.NEXT_REPORT_KIND, TODAY + timedelta(days=182))
    ]
    # Filing that one plans the next, never two at once.
    await voortgang.file_report(docent, lina["id"], report, TODAY)
    assert len(await open_reports()) == 1
