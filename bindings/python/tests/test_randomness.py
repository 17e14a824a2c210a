"""Planning helper: which drand round to commit to.

Expected rounds computed by hand from drand's published genesis times and periods: quicknet
started at 1692803367 (2023-08-23T15:09:27Z), one round every 3 s; the default mainnet at
1595431050 (2020-07-22T15:17:30Z), every 30 s.
"""

from __future__ import annotations

import pytest

import kleroterion as kl
from kleroterion.randomness import first_drand_round

QUICKNET = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"


def test_quicknet_round_after_a_time() -> None:
    r = first_drand_round("quicknet", "2023-08-23T15:09:30Z")
    assert r[:3] == (QUICKNET, 2, "2023-08-23T15:09:30Z")
    assert (r.network, r.after, r.unix) == ("quicknet", "2023-08-23T15:09:30Z", 1_692_803_370)
    assert first_drand_round(QUICKNET, "2023-08-23T15:09:31Z").round == 3
    # The forms a date-time field gives are read too, always as UTC.
    assert first_drand_round("QuickNet", "2023-08-23 15:09:31").round == 3


def test_mainnet_round_after_a_time() -> None:
    r = first_drand_round("mainnet", "2020-07-22T15:17:31Z")
    assert r.round == 2
    assert r.time == "2020-07-22T15:18:00Z"


def test_bad_inputs_are_invalid_input() -> None:
    with pytest.raises(kl.InvalidInput, match="YYYY-MM-DDTHH:MM:SSZ"):
        first_drand_round("quicknet", "tomorrow")
    with pytest.raises(kl.InvalidInput, match="quicknet or mainnet"):
        first_drand_round("testnet", "2023-08-23T15:09:30Z")
