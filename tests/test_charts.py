"""Pictures drawn on the server as SVG (issue 10): each chart's table holds the same numbers
as the picture and its data, the course chart says whether an indicator is on track, and
the SVG carries no style (the site's CSP) and is hidden from assistive technology (the
table is the text alternative)."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from beleidsplan import charts
from beleidsplan.charts import Tile, bar_chart, course_chart, stacked_bar_chart, tile_map
from beleidsplan.services import publish_version

from .factories import make_plan_tree
from .test_site_pages import load_seed

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def seed(coordinator):
    return load_seed(coordinator)


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl-be"):
        yield


def svg_of(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def texts(root, cls) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text") if cls in t.get("class", "").split()]


def of_class(root, cls, tag="*") -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}" if tag != "*" else tag)
            if cls in e.get("class", "").split()]


def assert_styleless_and_hidden(chart):
    markup = str(chart.svg)
    root = ET.fromstring(markup)
    assert "<style" not in markup and "style=" not in markup
    assert root.get("aria-hidden") == "true"
    assert chart.title and chart.summary


def course(**kwargs):
    defaults = dict(title="Deelnemers aan de erfgoeddag", unit="deelnemers",
                    base=("2019", 120.0), target=("2025", 300.0), more_is_better=True)
    return course_chart(**{**defaults, **kwargs})


# --- The course of an indicator --------------------------------------------------------------


def test_the_course_table_holds_base_measurements_and_target_as_the_picture():
    chart = course(points=[("2021", 150.5), ("2022", 210.0)])

    assert chart.rows == [["2019", "120", "basis"], ["2021", "150,5", "meting"],
                          ["2022", "210", "meting"], ["2025", "300", "doel"]]
    root = svg_of(chart)
    assert len(of_class(root, "chart-point", "circle")) == 2
    assert len(of_class(root, "chart-base", "circle")) == 1
    assert texts(root, "chart-base-label") == ["basis"]
    assert texts(root, "chart-x") == ["2019", "2021", "2022", "2025"]
    assert texts(root, "chart-target-label") == ["doel 2025: 300 deelnemers"]
    assert of_class(root, "chart-target", "line")[0].get("stroke-dasharray")
    # The line runs through the base and the two measurements.
    assert len(of_class(root, "chart-line", "polyline")[0].get("points").split()) == 3
    assert "Laatste meting (2022): 210 deelnemers." in chart.summary
    assert "Doel 2025: 300 deelnemers." in chart.summary
    assert_styleless_and_hidden(chart)


@pytest.mark.parametrize(("value", "track"), [(210.0, True), (209.99, False), (260.0, True)])
def test_on_track_means_at_least_the_straight_line_from_base_to_target(value, track):
    # 2022 lies halfway between 2019 and 2025: the line stands at 120 + 180 / 2 = 210.
    chart = course(points=[("2022", value)])
    assert chart.summary.endswith(
        ("Op schema" if track else "Achter op schema")
        + ": in 2022 werd minstens 210 deelnemers verwacht."), chart.summary


@pytest.mark.parametrize(("value", "track"), [(30.0, True), (30.01, False), (12.5, True)])
def test_when_less_is_better_on_track_is_the_mirror(value, track):
    # Waiting days from 40 (2020) to 20 (2024): 30 expected in 2022.
    chart = course(unit="dagen", points=[("2022", value)], base=("2020", 40.0),
                   target=("2024", 20.0), more_is_better=False)
    assert chart.summary.endswith(
        ("Op schema" if track else "Achter op schema")
        + ": in 2022 werd hoogstens 30 dagen verwacht."), chart.summary


def test_after_the_target_period_the_target_itself_is_expected():
    chart = course(points=[("2026", 299.0)])
    assert "Achter op schema: in 2026 werd minstens 300 deelnemers verwacht." in chart.summary
    assert charts.expected_value(base=("2019", 120), target=("2025", 300),
                                 period="2030") == 300


def test_half_years_lie_between_the_years():
    assert charts.expected_value(base=("2020", 0), target=("2022", 100),
                                 period="2021-H2") == 75


def test_without_measurements_only_the_target_is_drawn_and_the_table_is_empty():
    chart = course(points=[])

    assert chart.rows == []
    assert chart.summary == "Nog geen metingen. Doel 2025: 300 deelnemers."
    root = svg_of(chart)
    assert of_class(root, "chart-point") == [] and of_class(root, "chart-line") == []
    assert texts(root, "chart-target-label") == ["doel 2025: 300 deelnemers"]
    html = render_to_string("site/_chart.html", {"chart": chart})
    assert "<table" not in html and "Nog geen metingen." in html


def test_one_point_equal_values_and_no_base_or_target_still_draw():
    one = course(points=[("2021", 0.25)], base=None, target=None)
    assert one.rows == [["2021", "0,25", "meting"]]
    assert one.summary == "Laatste meting (2021): 0,25 deelnemers."
    assert len(of_class(svg_of(one), "chart-point")) == 1

    flat = course(points=[("2021", 5.0), ("2022", 5.0)], base=("2020", 5.0),
                  target=("2023", 5.0))
    assert [row[1] for row in flat.rows] == ["5", "5", "5", "5"]
    assert "Op schema" in flat.summary
    assert_styleless_and_hidden(flat)


def test_numbers_are_written_the_dutch_way():
    assert [charts.fmt(v) for v in (12000, 1234.5, 0.126, 2.0, -3.75)] == [
        "12.000", "1.234,5", "0,13", "2", "-3,75"]


def test_the_figure_has_the_title_summary_picture_and_table():
    chart = course(points=[("2021", 150.0)])
    html = render_to_string("site/_chart.html", {"chart": chart})

    assert "<figure" in html and "<figcaption" in html
    assert html.index(chart.summary) < html.index("<svg") < html.index("<table")
    assert html.count("<tr>") == len(chart.rows) + 1


# --- Bars --------------------------------------------------------------------------------------


def test_a_bar_per_period_with_the_numbers_of_the_table():
    chart = bar_chart(title="Goedgekeurde rapporten per jaar", unit="",
                      bars=[("2020", 0), ("2021", 4), ("2022", 11)], label_header="Jaar")

    root = svg_of(chart)
    assert len(of_class(root, "chart-bar", "rect")) == 3
    assert texts(root, "chart-x") == [row[0] for row in chart.rows] == ["2020", "2021", "2022"]
    assert texts(root, "chart-value") == [row[1] for row in chart.rows] == ["0", "4", "11"]
    assert chart.summary == "15 in totaal: 2020: 0; 2021: 4; 2022: 11."
    assert_styleless_and_hidden(chart)
    assert bar_chart(title="x", unit="", bars=[], label_header="Jaar").rows == []


def test_the_stacked_bars_split_each_sd_into_the_kinds_of_the_table():
    from acties.progress import DISTRIBUTION

    kinds = [(str(key), str(label)) for key, label in DISTRIBUTION]
    chart = stacked_bar_chart(title="Stand per SD", kinds=kinds, label_header="SD",
                              unit="acties", bars=[("SD1", [2, 1, 0, 0, 0, 3]),
                                                   ("SD2", [0, 0, 0, 0, 0, 4])])

    root = svg_of(chart)
    segments = of_class(root, "chart-segment", "rect")
    assert [s.get("class").split()[1] for s in segments] == [
        "kind-afgerond", "kind-lopend", "kind-geen_rapport", "kind-geen_rapport"]
    assert [s.find(f"{SVG}title").text.rsplit(": ", 1)[1] for s in segments] == [
        "2", "1", "3", "4"]
    assert chart.headers[0] == "SD" and chart.headers[-1] == "Totaal"
    assert chart.rows == [["SD1", "2", "1", "0", "0", "0", "3", "6"],
                          ["SD2", "0", "0", "0", "0", "0", "4", "4"]]
    assert texts(root, "chart-value") == ["6", "4"]
    # A longer bar for more actions: SD1's segments are half again as long as SD2's.
    width = lambda items: sum(float(s.get("width")) for s in items)  # noqa: E731
    assert width(segments[:3]) == pytest.approx(width(segments[3:]) * 6 / 4, abs=0.3)
    assert_styleless_and_hidden(chart)


# --- The tile map ----------------------------------------------------------------------------


def test_a_tile_per_municipality_with_its_numbers_and_the_loose_ones_under_the_grid():
    chart = tile_map(title="Acties per gemeente", tiles=[
        Tile("Dilbeek", 0, 2, 7, 3),
        Tile("Pajottegem", 1, 0, 12, 5, ("Galmaarden", "Gooik", "Herne")),
        Tile("Nieuwdorp", None, None, 0, 0),
    ])

    root = svg_of(chart)
    tiles = of_class(root, "chart-tile", "g")
    assert [t.get("data-name") for t in tiles] == [row[0] for row in chart.rows]
    assert texts(root, "chart-tile-count") == [f"{r[1]} / {r[2]}" for r in chart.rows]
    assert chart.rows[1] == ["Pajottegem", "12", "5", "Galmaarden, Gooik, Herne"]
    merged = " ".join(texts(tiles[1], "chart-tile-merged"))
    assert merged == "fusie van Galmaarden, Gooik, Herne"
    # The loose tile lies below every placed one.
    y = [float(t.find(f"{SVG}rect").get("y")) for t in tiles]
    assert y[2] > max(y[:2])
    assert "Geen actie gepland in: Nieuwdorp." in chart.summary
    assert_styleless_and_hidden(chart)


# --- On the pages ----------------------------------------------------------------------------


def tiles_on(response) -> ET.Element:
    html = response.content.decode()
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-tiles"')
    return ET.fromstring(html[start:html.index("</svg>", start) + len("</svg>")])


@pytest.mark.django_db
def test_the_spreiding_page_of_the_seed_has_a_tile_per_municipality_of_today(client, seed):
    from actoren.models import Gemeente

    response = client.get(reverse("plan:spreiding", args=[seed.pk]))

    root = tiles_on(response)
    today = sorted(Gemeente.objects.huidig().values_list("naam", flat=True))
    tiles = {t.get("data-name"): t for t in of_class(root, "chart-tile", "g")}
    assert sorted(tiles) == today and "Gooik" not in tiles and len(today) == 13
    merged = " ".join(texts(tiles["Pajottegem"], "chart-tile-merged"))
    assert merged == "fusie van Galmaarden, Gooik, Herne"
    # The tiles' numbers are the matrix's totals, and the table under the map holds them.
    page = response.context["page"]
    totals = dict(zip([g.naam for g in page.columns], page.totals, strict=True))
    for name, tile in tiles.items():
        assert texts(tile, "chart-tile-count") == ["{} / {}".format(*totals[name])]
    assert [row[:3] for row in page.tiles.rows] == [
        [name, str(p), str(r)] for name, (p, r) in totals.items()]
    html = response.content.decode()
    assert "<td>Galmaarden, Gooik, Herne</td>" in html
    # Every tile of the seed has its place on the grid: none in the row under it.
    ys = {float(t.find(f"{SVG}rect").get("y")) for t in tiles.values()}
    assert len(ys) == 4


@pytest.mark.django_db
def test_a_municipality_without_a_place_gets_a_tile_under_the_map(client, seed):
    from actoren.models import Gemeente

    Gemeente.objects.create(naam="Nieuwdorp")
    response = client.get(reverse("plan:spreiding", args=[seed.pk]))

    tiles = {t.get("data-name"): t for t in of_class(tiles_on(response), "chart-tile", "g")}
    y = {name: float(t.find(f"{SVG}rect").get("y")) for name, t in tiles.items()}
    assert y["Nieuwdorp"] > max(v for name, v in y.items() if name != "Nieuwdorp")


@pytest.mark.django_db
def test_the_spreiding_page_with_its_map_keeps_its_queries_at_two_sizes(client, coordinator):
    from acties.models import Actie
    from actoren.models import Gemeente
    from tests.queries import cold, warm
    from tests.test_progress_rollup import make_rapport
    from tests.test_site_queries import grow

    plan = make_plan_tree(sds=2, ods=2, acties=2, gemeenten=2)
    make_rapport(Actie.objects.order_by("pk").first(), 2021, status="lopend", percentage=50,
                 gemeenten=list(Gemeente.objects.all()[:1]))
    publish_version(plan=plan, naam="Klein", user=coordinator)
    path = reverse("plan:spreiding", args=[plan.pk])
    small = cold(client, path), warm(client, path)
    grow(plan, coordinator)
    assert (cold(client, path), warm(client, path)) == small
    assert len(of_class(tiles_on(client.get(path)), "chart-tile", "g")) == 6


def test_the_tile_texts_meet_the_contrast_of_wcag_aa():
    from tests.test_site_pages import contrast

    for step, colour in enumerate(charts.TILE_STEPS):
        ink = charts.WHITE if step >= 3 else charts.INK
        assert contrast(ink, colour) >= 4.5, colour


def svgs_on(html: str, cls: str) -> list[ET.Element]:
    found, start = [], 0
    marker = f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg {cls}"'
    while (start := html.find(marker, start)) >= 0:
        end = html.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(html[start:end]))
        start = end
    return found


@pytest.fixture
def reported(seed):
    """The seed's plan with approved reports on its first nine actions, 2021 to 2023."""
    from acties.models import Actie
    from tests.test_progress_rollup import make_rapport

    kinds = ["lopend", "afgerond", "vertraagd"]
    for i, actie in enumerate(Actie.objects.order_by("pk")[:9]):
        make_rapport(actie, 2021 + i % 3, status=kinds[i % 3], percentage=40)
    return seed


@pytest.mark.django_db
def test_the_progress_page_draws_the_status_per_sd_and_the_reports_per_year(
        client, coordinator, reported):
    from acties.models import Voortgangsrapport

    client.force_login(coordinator)
    response = client.get(reverse("plan:voortgang", args=[reported.pk]))
    html = response.content.decode()

    [stacked] = svgs_on(html, "chart-stacked")
    [bars] = svgs_on(html, "chart-bars")
    model = response.context["reading"].model
    pictures = response.context["pictures"]
    # A bar per SD, split by kind as the SD's roll-up counts, totals as in the table.
    assert texts(stacked, "chart-y") == [sd.code for sd in model.sds]
    assert [row[1:-1] for row in pictures.status.rows] == [
        [str(n) for n in sd.progress.by_kind] for sd in model.sds]
    assert texts(stacked, "chart-value") == [row[-1] for row in pictures.status.rows]
    assert sum(int(row[-1]) for row in pictures.status.rows) == len(model.actions)
    # A bar per year of the plan, the approved reports of that year.
    per_year = dict(pictures.reports.rows)
    assert texts(bars, "chart-x") == list(per_year) == [str(y) for y in range(2020, 2026)]
    for year, n in per_year.items():
        assert int(n) == Voortgangsrapport.objects.filter(
            jaar=int(year), fase=Voortgangsrapport.Fase.GOEDGEKEURD).count()
    assert per_year["2021"] == "3"
    assert "<style" not in html.split("</head>")[1] and "style=" not in html
    assert html.count('aria-hidden="true" focusable="false">') >= 2


@pytest.mark.django_db
def test_the_progress_page_with_its_pictures_keeps_its_queries_at_two_sizes(
        client, coordinator):
    from tests.test_progress_pages import counts_at_two_sizes

    small, large = counts_at_two_sizes(
        client, lambda plan: reverse("plan:voortgang", args=[plan.pk]), coordinator)
    assert small == large


@pytest.mark.django_db
def test_the_annual_report_page_and_pdf_have_the_same_pictures(client, coordinator, reported):
    from io import BytesIO

    import pypdf

    from beleidsplan import annual_report

    report = annual_report.load_annual_report(reported, 2022)
    assert [row[0] for row in report.reports_chart.rows] == ["2020", "2021", "2022"]
    assert [row[1] for row in report.reports_chart.rows] == ["0", "3", "3"]
    # At the end of 2022: the 2021 and 2022 reports count, those of 2023 not yet.
    assert sum(int(row[1]) + int(row[2]) + int(row[3])
               for row in report.status_chart.rows) == 6

    client.force_login(coordinator)
    html = client.get(reverse("plan:jaarverslag", args=[reported.pk, 2022])).content.decode()
    assert len(svgs_on(html, "chart-stacked")) == len(svgs_on(html, "chart-bars")) == 1
    assert report.reports_chart.summary in html and report.status_chart.summary in html
    assert "style=" not in html

    pdf = pypdf.PdfReader(BytesIO(annual_report.render_pdf(report)))
    text = " ".join(page.extract_text() for page in pdf.pages[:2])
    for chart in (report.status_chart, report.reports_chart):
        assert chart.title in text
        assert " ".join(chart.rows[-1]) in text  # the table, unfolded


def test_years_lie_on_a_time_scale_and_other_labels_evenly():
    def xs(chart):
        root = svg_of(chart)
        return [float(c.get("cx")) for c in root.iter(f"{SVG}circle")]

    base, p2021, p2022 = xs(course(points=[("2021", 150.0), ("2022", 200.0)]))
    assert p2021 - base == pytest.approx(2 * (p2022 - p2021), abs=0.3)  # two years
    first, second, third = xs(course(points=[("voorjaar", 1.0), ("zomer", 2.0),
                                             ("herfst", 3.0)], base=None, target=None))
    assert second - first == pytest.approx(third - second, abs=0.2)


def test_the_tile_legend_names_the_numbers_of_each_colour_as_the_tiles_have_them():
    chart = tile_map(title="t", tiles=[Tile(f"G{n}", 0, n, n, 0) for n in (0, 5, 20, 21, 79)])

    root = svg_of(chart)
    assert texts(root, "chart-legend-step") == ["0", "1-19", "20-39", "40-59", "60-79"]
    fills = {t.get("data-name"): t.find(f"{SVG}rect").get("fill")
             for t in of_class(root, "chart-tile", "g")}
    assert fills["G0"] == charts.TILE_STEPS[0] and fills["G5"] == charts.TILE_STEPS[1]
    assert fills["G20"] == fills["G21"] == charts.TILE_STEPS[2]
    assert fills["G79"] == charts.TILE_STEPS[4]


def test_a_tile_on_a_place_already_taken_goes_under_the_grid():
    chart = tile_map(title="t", tiles=[Tile("Gooik", 2, 1, 3, 1), Tile("Pajottegem", 2, 1, 0, 0),
                                       Tile("Lennik", 2, 2, 4, 0)])

    rects = {t.get("data-name"): t.find(f"{SVG}rect")
             for t in of_class(svg_of(chart), "chart-tile", "g")}
    assert float(rects["Pajottegem"].get("y")) > float(rects["Gooik"].get("y"))
    assert rects["Gooik"].get("y") == rects["Lennik"].get("y")
