"""The partner's progress report (acties/partner_views.py, acties/services.py,
acties/uploads.py): draft, submit, review by the coordinator with e-mails that link back to
the form, and every bad input refused with a Dutch message and nothing saved."""

import datetime
import io
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acties import perioden, services
from acties.models import ActieActor, Bijlage, Voortgangsrapport
from acties.uploads import check_upload
from beleidsplan.models import Beleidsplan

from .commit import committed
from .factories import make_actie, make_actor, make_gemeente, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

Fase = Voortgangsrapport.Fase


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://plan.example.org"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def in_2021():
    """These stories report on 2021 (and a few on 2025): the day is in 2021, when its
    reports may be started (a new report only for a period open for reporting)."""
    with mock.patch.object(perioden, "local_today", return_value=datetime.date(2021, 10, 1)):
        yield


def in_2025():
    """The day in 2025, the plan's last year (its reports may be started)."""
    return mock.patch.object(perioden, "local_today", return_value=datetime.date(2025, 10, 1))


@pytest.fixture
def site(actor_a, actor_b):
    plan = make_plan(van_jaar=2020, tot_jaar=2025)
    sd = make_sd(plan, "Cultuurparticipatie vergroten")
    od = make_od(sd, "Drempels verlagen")
    halle = make_gemeente("Halle")
    pajottegem = make_gemeente("Pajottegem")
    gooik = make_gemeente("Gooik", opgegaan_in=pajottegem, fusiedatum=datetime.date(2025, 1, 1))
    actie_a = make_actie(
        od,
        "Voorleesweek in de bibliotheken",
        actoren=[(actor_a, "trekker")],
        regierol="Gezamenlijke communicatie",
        actorrol="Voorlezen in elke bib",
    )
    actie_b = make_actie(
        od, "Zomerprogramma van het cultuurcentrum", actoren=[(actor_b, "trekker")]
    )
    return SimpleNamespace(
        plan=plan,
        od=od,
        halle=halle,
        gooik=gooik,
        pajottegem=pajottegem,
        actie_a=actie_a,
        actie_b=actie_b,
    )


def form_url(actie, periode="2021") -> str:
    return reverse("partner:rapport", args=[actie.pk]) + f"?periode={periode}"


def html(response) -> str:
    return response.content.decode("utf-8")


def post_data(site, **overrides) -> dict:
    data = {
        "status": "op_schema",
        "percentage": "40",
        "wat_gedaan": "Drie voorleesmomenten in de bib van Halle.",
        "aantal_activiteiten": "3",
        "aantal_deelnemers": "45",
        "gemeenten": [site.halle.pk],
        "links": "https://example.org/fotos\n\nhttp://example.org/krant",
    }
    data.update(overrides)
    return data


def service_data(**overrides) -> dict:
    data = {"jaar": 2021, "halfjaar": 0, "status": "lopend", "percentage": 20}
    data.update(overrides)
    return data


# Files, by content


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 40


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ooxml(main_part: str, content_type: str) -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/{main_part}" ContentType="{content_type}"/>'
        "</Types>"
    )
    return zip_bytes({"[Content_Types].xml": types.encode(), main_part: b"<x/>"})


DOCX = ooxml(
    "word/document.xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
)
XLSX = ooxml(
    "xl/workbook.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
PPTX = ooxml(
    "ppt/presentation.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
)
DOCM = ooxml("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")
ODT = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = zip_bytes(
    {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}
)


def ole(*streams: str) -> bytes:
    """A minimal Compound File Binary container (512-byte sectors): the header, one FAT
    sector (sector 0) and one directory sector (sector 1) naming ``streams``."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = (0x3E).to_bytes(2, "little")
    header[26:28] = (3).to_bytes(2, "little")
    header[28:30] = b"\xfe\xff"
    header[30:32] = (9).to_bytes(2, "little")
    header[32:34] = (6).to_bytes(2, "little")
    header[44:48] = (1).to_bytes(4, "little")  # one FAT sector
    header[48:52] = (1).to_bytes(4, "little")  # the directory starts at sector 1
    header[60:64] = (0xFFFFFFFE).to_bytes(4, "little")
    header[68:72] = (0xFFFFFFFE).to_bytes(4, "little")
    header[76:512] = b"\xff" * 436
    header[76:80] = (0).to_bytes(4, "little")  # the FAT is sector 0
    fat = bytearray(b"\xff" * 512)
    fat[0:4] = (0xFFFFFFFD).to_bytes(4, "little")  # sector 0: FAT
    fat[4:8] = (0xFFFFFFFE).to_bytes(4, "little")  # sector 1: end of the directory chain
    directory = bytearray(512)
    for index, name in enumerate(["Root Entry", *streams][:4]):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[: len(encoded)] = encoded
        entry[64:66] = len(encoded).to_bytes(2, "little")
        entry[66] = 5 if index == 0 else 2
        directory[index * 128 : (index + 1) * 128] = entry
    return bytes(header + fat + directory)


DOC = ole("WordDocument", "1Table")
XLS = ole("Workbook")
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def upload(name: str, content: bytes, content_type="application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    "content, mime",
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        (ODT, "application/vnd.oasis.opendocument.text"),
        (ODS, "application/vnd.oasis.opendocument.spreadsheet"),
        (DOC, "application/msword"),
        (XLS, "application/vnd.ms-excel"),
    ],
)
def test_accepted_files_are_recognised_by_content_whatever_their_name(content, mime):
    assert check_upload(upload("zonder-extensie", content)).mime == mime


@pytest.mark.parametrize(
    "content, message",
    [
        (EXE, "is een programma, geen document"),
        (ELF, "is een programma, geen document"),
        (b"#!/bin/sh\nrm -rf /\n", "is een programma, geen document"),
        (DOCM, "bevat macro's"),
        (ole("WordDocument", "Macros"), "bevat macro's"),
        (ole("SummaryInformation"), "is geen PDF"),
        (zip_bytes({"readme.txt": b"hallo"}), "is geen PDF"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "is geen PDF"),
        (b"PK\x03\x04 not really a zip", "is geen PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 broken", "is geen PDF"),
    ],
)
def test_other_files_are_refused_with_a_dutch_message(content, message):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("verslag.pdf", content))
    assert message in refused.value.messages[0]
    assert "verslag.pdf" in refused.value.messages[0]


# The happy path: draft, then submit


def test_form_shows_the_action_and_its_two_buttons(client, partner_a, site):
    client.force_login(partner_a)

    response = client.get(form_url(site.actie_a))

    assert response.status_code == 200
    text = html(response)
    assert "Voortgangsrapport 2021" in text
    assert "Voorleesweek in de bibliotheken" in text
    assert "Gezamenlijke communicatie" in text
    assert "Voorlezen in elke bib" in text
    assert "Opslaan als concept" in text
    assert "Indienen" in text
    assert "Hoe loopt de actie?" in text
    assert "Bibliotheek A (trekker)" in text
    assert 'enctype="multipart/form-data"' in text


def test_partner_saves_a_draft_then_submits_it(client, partner_a, site):
    client.force_login(partner_a)

    response = client.post(
        form_url(site.actie_a),
        post_data(site, bijlagen=[upload("verslag.pdf", PDF), upload("foto.jpg", JPEG)]),
    )

    assert response.status_code == 302
    assert response.url == reverse("partner:mijn_acties")
    rapport = Voortgangsrapport.objects.get()
    assert (rapport.jaar, rapport.halfjaar, rapport.fase) == (2021, 0, Fase.CONCEPT)
    assert rapport.percentage == 40
    assert rapport.links == "https://example.org/fotos\nhttp://example.org/krant"
    assert rapport.actor.naam == "Bibliotheek A"
    assert rapport.aangemaakt_door == partner_a
    assert list(rapport.gemeenten.all()) == [site.halle]
    assert sorted(b.soort for b in rapport.bijlagen.all()) == ["application/pdf", "image/jpeg"]
    assert rapport.ingediend_op is None
    record = rapport.history.latest()
    assert record.history_user == partner_a
    assert record.history_change_reason == "Als concept bewaard door de partner"
    page = html(client.get(response.url))
    assert "opgeslagen als concept" in page

    response = client.post(
        form_url(site.actie_a),
        post_data(site, status="afgerond", percentage="100", indienen="1"),
    )

    assert response.status_code == 302
    rapport.refresh_from_db()
    assert rapport.fase == Fase.INGEDIEND
    assert rapport.status == "afgerond"
    assert rapport.ingediend_op is not None
    assert rapport.bijlagen.count() == 2
    assert rapport.history.latest().history_change_reason == "Ingediend door de partner"
    assert "is ingediend" in html(client.get(response.url))

    # Submitted: read-only, with the values and no form fields.
    text = html(client.get(form_url(site.actie_a)))
    assert "Ingediend op" in text
    assert "Afgerond" in text
    assert 'name="status"' not in text
    assert "verslag.pdf" in text


def test_attachment_gets_the_extension_of_what_it_is(client, partner_a, site):
    client.force_login(partner_a)

    client.post(form_url(site.actie_a), post_data(site, bijlagen=[upload("scan.exe", PNG)]))

    bijlage = Bijlage.objects.get()
    assert bijlage.naam == "scan.png"
    assert bijlage.soort == "image/png"
    assert bijlage.bestand.name.endswith(".png")
    response = client.get(reverse("partner:bijlage", args=[bijlage.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PNG


def test_partner_removes_an_attachment_from_a_draft(
    client, partner_a, site, django_capture_on_commit_callbacks
):
    client.force_login(partner_a)
    client.post(form_url(site.actie_a), post_data(site, bijlagen=[upload("oud.pdf", PDF)]))
    bijlage = Bijlage.objects.get()
    path = Path(bijlage.bestand.path)
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(site.actie_a), post_data(site, bijlagen_weg=[bijlage.pk]))

    assert response.status_code == 302
    assert not Bijlage.objects.exists()
    assert not path.exists()


def test_sent_back_report_saved_as_draft_stays_sent_back(partner_a, coordinator, site):
    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, data=service_data(), submit=True
    )
    committed(
        services.send_back_report, rapport=rapport, user=coordinator, opmerking="Meer cijfers aub."
    )

    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, data=service_data(percentage=30), rapport=rapport
    )

    assert rapport.fase == Fase.TERUGGESTUURD
    assert rapport.percentage == 30


def test_partner_takes_back_a_submitted_report_before_review(client, partner_a, site):
    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, data=service_data(), submit=True
    )
    client.force_login(partner_a)

    response = client.post(reverse("partner:terugnemen", args=[rapport.pk]))

    assert response.status_code == 302
    rapport.refresh_from_db()
    assert rapport.fase == Fase.CONCEPT
    assert rapport.ingediend_op is None
    assert 'name="status"' in html(client.get(response.url))


# The coordinator's review, with e-mails


def test_approve_report_emails_the_partner_with_a_working_link(
    client, partner_a, coordinator, site, mailoutbox
):
    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, data=service_data(), submit=True
    )

    approved = committed(services.approve_report, rapport=rapport, user=coordinator)

    assert approved.fase == Fase.GOEDGEKEURD
    assert approved.beoordeeld_door == coordinator
    assert approved.beoordeeld_op is not None
    assert approved.history.latest().history_user == coordinator
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["partner_a@example.org"]
    assert "goedgekeurd" in mail.subject
    assert "Voorleesweek in de bibliotheken" in mail.body
    link = re.search(r"https://plan\.example\.org(\S+)", mail.body).group(1)
    assert link == form_url(site.actie_a, "2021")
    client.force_login(partner_a)
    text = html(client.get(link))
    assert "Goedgekeurd op" in text
    assert 'name="status"' not in text


def test_approval_mails_every_partner_of_the_action_when_the_report_names_no_actor(
    partner_a, partner_b, coordinator, site, actor_a, actor_b, mailoutbox
):
    shared = make_actie(
        site.od, "Gedeelde actie", actoren=[(actor_a, "trekker"), (actor_b, "partner")]
    )
    second = make_actor("Tweede organisatie")
    second.gebruikers.add(partner_a)
    ActieActor.objects.create(actie=shared, actor=second, rol="partner")
    # partner_a has two organisations in this action: the report is for the action itself.
    rapport = services.save_report(actie=shared, user=partner_a, data=service_data(), submit=True)
    assert rapport.actor is None

    committed(services.approve_report, rapport=rapport, user=coordinator)

    assert sorted(m.to[0] for m in mailoutbox) == ["partner_a@example.org", "partner_b@example.org"]


def test_send_back_emails_the_remark_and_the_link_and_the_form_shows_it(
    client, partner_a, coordinator, site, mailoutbox
):
    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, data=service_data(), submit=True
    )

    committed(services.send_back_report,
        rapport=rapport, user=coordinator, opmerking="Vul ook het aantal deelnemers in."
    )

    rapport.refresh_from_db()
    assert rapport.fase == Fase.TERUGGESTUURD
    assert rapport.beoordeeld_door == coordinator
    mail = mailoutbox[0]
    assert mail.to == ["partner_a@example.org"]
    assert "Vul ook het aantal deelnemers in." in mail.body
    link = re.search(r"https://plan\.example\.org(\S+)", mail.body).group(1)

    # From the e-mail, not logged in: the login page, then straight to the form.
    response = client.get(link)
    assert response.status_code == 302
    login = response.url
    assert login.startswith(reverse("login") + "?next=")
    next_url = client.get(login).context["next"]
    response = client.post(
        reverse("login"),
        {"username": "partner_a", "password": "geheim-wachtwoord-123", "next": next_url},
    )
    assert response.status_code == 302
    assert response.url == link
    text = html(client.get(link))
    assert "De coördinator stuurde uw rapport terug" in text
    assert "Vul ook het aantal deelnemers in." in text
    assert 'name="status"' in text

    # The partner fixes and submits again: it waits for a new review.
    response = client.post(link, post_data(site, aantal_deelnemers="60", indienen="1"))
    assert response.status_code == 302
    rapport.refresh_from_db()
    assert rapport.fase == Fase.INGEDIEND
    assert rapport.aantal_deelnemers == 60
    assert rapport.beoordeeld_op is None


def test_send_back_needs_a_remark(partner_a, coordinator, site, mailoutbox):
    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, data=service_data(), submit=True
    )

    with pytest.raises(ValidationError) as refused:
        committed(services.send_back_report, rapport=rapport, user=coordinator, opmerking="   ")

    assert "Zeg waarom" in refused.value.messages[0]
    rapport.refresh_from_db()
    assert rapport.fase == Fase.INGEDIEND
    assert mailoutbox == []


def test_only_submitted_reports_are_reviewed_and_only_by_a_coordinator(
    partner_a, coordinator, stuurgroeplid, site, mailoutbox
):
    draft = services.save_report(actie=site.actie_a, user=partner_a, data=service_data())

    with pytest.raises(ValidationError) as refused:
        committed(services.approve_report, rapport=draft, user=coordinator)
    assert "Alleen een ingediend rapport" in refused.value.messages[0]

    services.save_report(
        actie=site.actie_a, user=partner_a, data=service_data(), rapport=draft, submit=True
    )
    for user in (partner_a, stuurgroeplid):
        with pytest.raises(ValidationError) as refused:
            committed(services.approve_report, rapport=draft, user=user)
        assert "Alleen een coördinator" in refused.value.messages[0]
        with pytest.raises(ValidationError):
            committed(services.send_back_report, rapport=draft, user=user, opmerking="Nee")
    draft.refresh_from_db()
    assert draft.fase == Fase.INGEDIEND
    assert mailoutbox == []


def test_approved_report_can_no_longer_be_changed_by_the_service(partner_a, coordinator, site):
    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, data=service_data(), submit=True
    )
    committed(services.approve_report, rapport=rapport, user=coordinator)

    with pytest.raises(ValidationError) as refused:
        services.save_report(
            actie=site.actie_a, user=partner_a, data=service_data(percentage=99), rapport=rapport
        )

    assert "goedgekeurd" in refused.value.messages[0]
    rapport.refresh_from_db()
    assert rapport.percentage == 20


# Periods


def test_current_period_and_periods_of_a_plan():
    plan = Beleidsplan(titel="p", van_jaar=2020, tot_jaar=2025)
    assert perioden.current_period(plan, today=datetime.date(2021, 3, 1)) == (2021, 0)
    assert perioden.current_period(plan, today=datetime.date(2019, 3, 1)) == (2020, 0)
    assert perioden.current_period(plan, today=datetime.date(2026, 11, 1)) == (2025, 0)
    assert perioden.periods_of(plan)[:2] == [(2020, 0), (2021, 0)]
    assert len(perioden.periods_of(plan)) == 6

    plan.rapportering = Beleidsplan.Rapportering.HALFJAARLIJKS
    assert perioden.current_period(plan, today=datetime.date(2021, 6, 30)) == (2021, 1)
    assert perioden.current_period(plan, today=datetime.date(2021, 7, 1)) == (2021, 2)
    assert perioden.current_period(plan, today=datetime.date(2019, 8, 1)) == (2020, 1)
    assert perioden.current_period(plan, today=datetime.date(2030, 1, 1)) == (2025, 2)
    assert perioden.periods_of(plan)[:3] == [(2020, 1), (2020, 2), (2021, 1)]
    assert len(perioden.periods_of(plan)) == 12


def test_report_url_is_absolute_with_the_period(site):
    assert services.report_url(site.actie_a) == (
        f"https://plan.example.org/partner/acties/{site.actie_a.pk}/rapport/"
    )
    assert services.report_url(site.actie_a, (2021, 0)).endswith("/rapport/?periode=2021")
    assert services.report_url(site.actie_a, (2021, 2)).endswith("/rapport/?periode=2021-2")


def test_half_yearly_plan_reports_per_half_year(client, partner_a, site):
    Beleidsplan.objects.filter(pk=site.plan.pk).update(rapportering="halfjaarlijks")
    client.force_login(partner_a)

    response = client.post(form_url(site.actie_a, "2021-2"), post_data(site))

    assert response.status_code == 302
    rapport = Voortgangsrapport.objects.get()
    assert (rapport.jaar, rapport.halfjaar) == (2021, 2)
    # A whole year is not a period of this plan.
    response = client.get(form_url(site.actie_a, "2021"))
    assert response.status_code == 400
    assert "per halfjaar" in html(response)


def test_municipalities_merged_before_the_period_are_not_offered(client, partner_a, site):
    client.force_login(partner_a)

    before = html(client.get(form_url(site.actie_a, "2021")))
    with in_2025():
        after = html(client.get(form_url(site.actie_a, "2025")))

    assert "Gooik" in before
    assert "Gooik" not in after
    assert "Pajottegem" in after

    with in_2025():
        response = client.post(
            form_url(site.actie_a, "2025"), post_data(site, gemeenten=[site.gooik.pk])
        )
    assert response.status_code == 200
    assert not Voortgangsrapport.objects.exists()


# Bad input: a Dutch message each, and nothing saved


def assert_nothing_saved(media):
    assert not Voortgangsrapport.objects.exists()
    assert not Bijlage.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_percentage_140_is_refused(client, partner_a, site, media):
    client.force_login(partner_a)

    response = client.post(form_url(site.actie_a), post_data(site, percentage="140"))

    assert response.status_code == 200
    text = html(response)
    assert "140% kan niet: een percentage ligt tussen 0 en 100." in text
    assert "Er is niets bewaard" in text
    assert_nothing_saved(media)
    with pytest.raises(ValidationError) as refused:
        services.save_report(actie=site.actie_a, user=partner_a, data=service_data(percentage=140))
    assert "percentage" in refused.value.message_dict
    assert_nothing_saved(media)


@pytest.mark.parametrize("periode", ["2019", "2026", "2031-1"])
def test_period_outside_the_plan_is_refused(client, partner_a, site, media, periode):
    client.force_login(partner_a)

    get = client.get(form_url(site.actie_a, periode))
    post = client.post(form_url(site.actie_a, periode), post_data(site))

    for response in (get, post):
        assert response.status_code == 400
        assert f"{periode[:4]} valt buiten de planperiode 2020-2025." in html(response)
    assert_nothing_saved(media)


def test_period_that_is_not_a_period_is_refused(client, partner_a, site, media):
    client.force_login(partner_a)

    response = client.post(form_url(site.actie_a, "vorig-jaar"), post_data(site))

    assert response.status_code == 400
    assert "is geen periode" in html(response)
    assert_nothing_saved(media)


def test_service_refuses_a_period_outside_the_plan(partner_a, site, media):
    with pytest.raises(ValidationError) as refused:
        services.save_report(actie=site.actie_a, user=partner_a, data=service_data(jaar=2030))

    assert refused.value.messages == ["2030 valt buiten de planperiode 2020-2025."]
    assert_nothing_saved(media)


def test_second_report_for_an_approved_period_is_refused(client, partner_a, coordinator, site):
    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, data=service_data(), submit=True
    )
    committed(services.approve_report, rapport=rapport, user=coordinator)
    client.force_login(partner_a)

    response = client.post(form_url(site.actie_a, "2021"), post_data(site, percentage="90"))

    assert response.status_code == 400
    assert "Dit rapport is goedgekeurd; het kan niet meer gewijzigd worden." in html(response)
    assert Voortgangsrapport.objects.count() == 1
    rapport.refresh_from_db()
    assert (rapport.percentage, rapport.fase) == (20, Fase.GOEDGEKEURD)


def test_service_refuses_a_second_report_for_the_same_period(partner_a, site):
    services.save_report(actie=site.actie_a, user=partner_a, data=service_data())

    with pytest.raises(ValidationError) as refused:
        services.save_report(actie=site.actie_a, user=partner_a, data=service_data(percentage=5))

    assert refused.value.messages == ["Er is al een rapport voor deze actie en periode."]
    assert Voortgangsrapport.objects.get().percentage == 20


def test_two_first_reports_at_the_same_moment_one_is_refused(partner_a, site, media):
    services.save_report(actie=site.actie_a, user=partner_a, data=service_data())

    # The second arrives after the first passed the check but before it was written: the
    # database constraint refuses it, and the partner gets the same Dutch message.
    with mock.patch.object(services, "_period_taken", side_effect=[False, True]):
        with pytest.raises(ValidationError) as refused:
            services.save_report(
                actie=site.actie_a,
                user=partner_a,
                data=service_data(percentage=5),
                bijlagen=[upload("verslag.pdf", PDF)],
            )

    assert refused.value.messages == ["Er is al een rapport voor deze actie en periode."]
    assert Voortgangsrapport.objects.get().percentage == 20
    assert not Bijlage.objects.exists()


@pytest.mark.parametrize("content", [EXE, ELF], ids=["windows", "linux"])
def test_executable_renamed_to_pdf_is_refused(client, partner_a, site, media, content):
    client.force_login(partner_a)

    response = client.post(
        form_url(site.actie_a), post_data(site, bijlagen=[upload("verslag.pdf", content)])
    )

    assert response.status_code == 200
    text = html(response)
    assert "verslag.pdf is een programma, geen document" in text
    assert "Kies uw bijlagen opnieuw" in text
    assert_nothing_saved(media)
    with pytest.raises(ValidationError) as refused:
        services.save_report(
            actie=site.actie_a,
            user=partner_a,
            data=service_data(),
            bijlagen=[upload("verslag.pdf", content)],
        )
    assert "bijlagen" in refused.value.message_dict
    assert_nothing_saved(media)


def test_file_over_the_size_limit_is_refused(client, partner_a, site, media, settings):
    settings.MAX_BIJLAGE_MB = 1
    client.force_login(partner_a)
    big = PDF + b"0" * (1536 * 1024)

    response = client.post(
        form_url(site.actie_a), post_data(site, bijlagen=[upload("jaarverslag.pdf", big)])
    )

    assert response.status_code == 200
    assert "jaarverslag.pdf is 1,5 MB; een bijlage mag hoogstens 1 MB zijn." in html(response)
    assert_nothing_saved(media)


@pytest.mark.parametrize(
    "link", ["www.example.org", "javascript:alert(1)", "ftp://example.org/x", "geen link"]
)
def test_invalid_link_is_refused(client, partner_a, site, media, link):
    client.force_login(partner_a)

    response = client.post(
        form_url(site.actie_a), post_data(site, links=f"https://example.org/ok\n{link}")
    )

    assert response.status_code == 200
    assert "is geen webadres (dat begint met http:// of https://)." in html(response)
    assert_nothing_saved(media)
    with pytest.raises(ValidationError) as refused:
        services.save_report(actie=site.actie_a, user=partner_a, data=service_data(links=link))
    assert "links" in refused.value.message_dict


def test_missing_status_is_refused(client, partner_a, site, media):
    client.force_login(partner_a)

    response = client.post(form_url(site.actie_a), post_data(site, status=""))

    assert response.status_code == 200
    assert "Kies een status." in html(response)
    assert_nothing_saved(media)


def test_partner_cannot_report_on_another_organisations_action_through_the_service(
    partner_b, site, media
):
    with pytest.raises(ValidationError) as refused:
        services.save_report(actie=site.actie_a, user=partner_b, data=service_data())

    assert refused.value.messages == ["U mag niet rapporteren over deze actie."]
    assert_nothing_saved(media)


def test_period_of_an_existing_report_cannot_be_changed(partner_a, site):
    rapport = services.save_report(actie=site.actie_a, user=partner_a, data=service_data())

    with pytest.raises(ValidationError) as refused:
        services.save_report(
            actie=site.actie_a,
            user=partner_a,
            data=service_data(jaar=2022, percentage=90),
            rapport=rapport,
        )

    assert refused.value.messages == ["De periode van een rapport kan niet gewijzigd worden."]
    rapport.refresh_from_db()
    assert (rapport.jaar, rapport.percentage) == (2021, 20)


def test_an_action_closed_in_an_earlier_year_needs_no_report(client, site, partner_a):
    """Mijn acties follows the reminders' rule: an approved report that finished (or
    dropped) the action in an earlier year closes it."""
    Voortgangsrapport.objects.create(
        actie=site.actie_a, jaar=2021, status=Voortgangsrapport.Status.AFGEROND,
        percentage=100, fase=Voortgangsrapport.Fase.GOEDGEKEURD,
    )
    client.force_login(partner_a)

    with in_2025():
        text = html(client.get(reverse("partner:mijn_acties")))

    assert "eerder afgesloten (afgerond of geschrapt): geen rapport nodig" in text.lower()
    assert "Nog 1 actie te rapporteren" not in text
