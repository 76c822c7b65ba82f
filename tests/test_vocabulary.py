import re

import pytest

from gis import vocabulary
from gis.schema import PARCELS

ALL_STATUSES = [(f, s) for f in vocabulary.STATUS_FIELDS for s in vocabulary.statuses(f)]
HEX = re.compile(r"^#[0-9a-f]{6}$")


@pytest.mark.parametrize(("field", "status"), ALL_STATUSES, ids=lambda v: getattr(v, "code", v))
def test_every_status_is_complete(field, status):
    assert status.code.isupper()
    assert status.label_zh and status.label_en
    assert status.label_zh != status.label_en
    assert HEX.match(status.color), status.color
    codes = {s.code for s in vocabulary.statuses(field)}
    assert set(status.next_codes) <= codes, "next statuses must exist in the same field"
    assert status.code not in status.next_codes
    assert status.date_field in PARCELS.column_names, "each status names a real date column"
    assert PARCELS.column(status.date_field).dtype == "date"


@pytest.mark.parametrize("field", vocabulary.STATUS_FIELDS)
def test_statuses_are_ordered_distinct_and_reachable(field):
    statuses = vocabulary.statuses(field)
    assert [s.order for s in statuses] == list(range(len(statuses)))
    assert len({s.code for s in statuses}) == len(statuses)
    assert len({s.color for s in statuses}) == len(statuses), "colours must tell statuses apart"
    reachable, frontier = {statuses[0].code}, [statuses[0].code]
    while frontier:
        for nxt in vocabulary.allowed_next(field, frontier.pop()):
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == {s.code for s in statuses}
    assert statuses[-1].next_codes == (), "the last stage is final"


@pytest.mark.parametrize("use", vocabulary.LAND_USES, ids=lambda u: u.code)
def test_every_land_use_is_complete(use):
    assert use.label_zh and use.label_en and HEX.match(use.color)


def test_lookup_errors_name_the_bad_code():
    with pytest.raises(ValueError, match="'SOLDD'"):
        vocabulary.status(vocabulary.SALE_FIELD, "SOLDD")
    with pytest.raises(ValueError, match="unknown status field"):
        vocabulary.statuses("colour")
    with pytest.raises(ValueError, match="'FARM'"):
        vocabulary.land_use("FARM")


def test_labels_follow_language():
    s = vocabulary.status(vocabulary.CONSTRUCTION_FIELD, "STARTED")
    assert (s.label("zh"), s.label("en")) == ("开工", "Started")


def test_target_sets_use_known_codes():
    sale = {s.code for s in vocabulary.SALE_STATUSES}
    built = {s.code for s in vocabulary.CONSTRUCTION_STATUSES}
    assert vocabulary.SOLD_SALE_CODES <= sale
    assert vocabulary.PRODUCING_CONSTRUCTION_CODES <= vocabulary.STARTED_CONSTRUCTION_CODES <= built
