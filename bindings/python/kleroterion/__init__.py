"""kleroterion: fair, publicly verifiable citizens' assembly lotteries.

A thin typed layer over the Rust crates: the protocol core (commit, seed, draw, verify),
the fair crate (LEXIMIN) and the files crate (the organisers' CSV formats, the commit
workflow). Python converts, glues pandas and displays; it computes nothing of its own.

    >>> import kleroterion as kl
    >>> pool = kl.Pool.from_csv("candidates.csv", id="nationbuilder_id",
    ...                         household=["primary_address1", "primary_zip"])
    >>> quotas = kl.Quotas.from_csv("features.csv")
    >>> dist = kl.fair.leximin(pool, quotas, 22)
    >>> manifest = kl.commit(pool, quotas, 22, method="lottery", randomness=...)
    >>> bundle = kl.draw(manifest, reveal)
    >>> bool(kl.verify(bundle))
    True
"""

from . import fair, lowlevel, randomness
from ._native import (
    SPEC_VERSION,
    DrawFailed,
    InfeasibleQuotas,
    Interrupted,
    InvalidInput,
    InvalidRandomness,
    KleroterionError,
    SolverError,
    VerificationFailed,
)
from ._native import __version__ as __version__
from .fair import Distribution, Feasibility, Portfolio, feasibility
from .pool import Pool, Quota, Quotas
from .protocol import (
    Bundle,
    Manifest,
    Receipt,
    ReceiptCheck,
    Replacement,
    Report,
    Rfc3797Result,
    Step,
    commit,
    draw,
    replace,
    rfc3797,
    verify,
)

__all__ = [
    "SPEC_VERSION",
    "Bundle",
    "Distribution",
    "DrawFailed",
    "Feasibility",
    "InfeasibleQuotas",
    "Interrupted",
    "InvalidInput",
    "InvalidRandomness",
    "KleroterionError",
    "Manifest",
    "Pool",
    "Portfolio",
    "Quota",
    "Quotas",
    "Receipt",
    "ReceiptCheck",
    "Replacement",
    "Report",
    "Rfc3797Result",
    "SolverError",
    "Step",
    "VerificationFailed",
    "commit",
    "draw",
    "fair",
    "feasibility",
    "lowlevel",
    "randomness",
    "replace",
    "rfc3797",
    "verify",
]
