#!/usr/bin/env bash
# Regenerate fixtures/beleidsplan.json from the seed's nota with the importer, in a
# throwaway SQLite database so that primary keys and tree ids start at 1.
# gemeenten.json and actoren.json are hand-kept data (the actors' aliases decide the links).
set -euo pipefail
cd "$(dirname "$0")/.."
SEED=fixtures/nota/beleidsplan-2020-2025.txt
DB=$(mktemp -u /tmp/cultuurregio-fixtures-XXXXXX.sqlite3)
export DEBUG=true DATABASE_URL="sqlite:///$DB"
trap 'rm -f "$DB"' EXIT
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py loaddata fixtures/gemeenten.json fixtures/actoren.json -v0
$PY manage.py importeer_nota "$SEED" --titel "Beleidsplan cultuurregio Pajottenland-Zennevallei 2020-2025" >/dev/null
$PY manage.py shell -v0 -c "
from beleidsplan.models import Doelstelling
taglines = {
    'SD1': 'CULTUURPARTICIPATIE in de regio VERGROTEN',
    'SD2': 'CULTUURAANBOD in de regio VERSTERKEN, AFSTEMMEN & SPREIDEN',
    'SD3': 'VANUIT CULTUUR INSPELEN OP ACTUELE MAATSCHAPPELIJKE TENDENSEN',
    'SD4': 'ACTIEVE PARTICIPATIE & CO-CREATIE in de regio STIMULEREN',
    'SD5': 'STERKE STRUCTUREN UITBOUWEN',
}
for sd in Doelstelling.objects.filter(parent=None):
    sd.tagline = taglines[sd.code]
    sd._change_reason = 'Slogan uit de tekening van het plan'
    sd.save()
"
$PY manage.py dumpdata beleidsplan.beleidsplan beleidsplan.doelstelling \
    acties.actie acties.actieactor --indent 2 -o fixtures/beleidsplan.json
echo "fixtures/beleidsplan.json regenerated"
