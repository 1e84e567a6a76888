"""The part of an application the requirement checks read (a snapshot; the checks never change it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..entries import (
    Attestation,
    AttestationKind,
    EducationEntry,
    FeeKind,
    FeePayment,
    Membership,
    RscEntry,
    TrainingEntry,
    WorkEntry,
)
from ..reference_data import Reference
from ..renewals import RenewalContext
from .registration import RegistrationState


@dataclass(frozen=True)
class Evidence:
    education: tuple[EducationEntry, ...] = ()
    work: tuple[WorkEntry, ...] = ()
    training: tuple[TrainingEntry, ...] = ()
    rsc: tuple[RscEntry, ...] = ()
    membership: Membership | None = None
    attestations: Mapping[AttestationKind, Attestation] = field(default_factory=dict)
    fees: Mapping[FeeKind, FeePayment] = field(default_factory=dict)
    registration: RegistrationState = RegistrationState.NOT_REQUIRED
    """Where the application stands in registration; `NOT_REQUIRED` (the default) exempts it from the check."""
    references: tuple[Reference, ...] = ()
    """Every reference named, voided ones included (by slot)."""
    renewal: RenewalContext | None = None
    """A renewal's or reinstatement's context (`check_requirements` then applies those rules); None: initial."""
