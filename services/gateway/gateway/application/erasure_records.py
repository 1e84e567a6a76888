"""What the gateway does with each record of `endorsement.erasures.v1` (`adapters/erasures_consumer.py`).

- `ErasureCompleted`: a service's answer, noted in the ledger (`ErasureAnswers`); the gateway's own `PersonErased`
  is skipped there.
- `ErasureDue` (docs/erasure.md, "Legal holds and retention"): reviews says a holder's last endorsement ended more
  than the tenant's `register_retention_years` ago. The gateway files the erasure as `system` through the inactivity
  job's path (`ErasureService.file_for_retention`): one request per subject (the same record twice files nothing
  more), `held` under a hold, never for a staff account, nor for an account it does not have in that tenant. The
  gateway does not check the period again: reviews knows when register entries ended, the gateway does not.
"""

from __future__ import annotations

import logging
from uuid import UUID

from endorsement_contracts import Envelope, UndeliverableMessage
from endorsement_contracts.events.erasures import ErasureDue

from ..domain.retention import RegisterRetentionRule
from .erasure_answers import ErasureAnswers, Outcome
from .erasures import ACCOUNT_PREFIX, ErasureService

log = logging.getLogger(__name__)


class ErasureRecords:
    def __init__(self, answers: ErasureAnswers, erasures: ErasureService) -> None:
        self._answers = answers
        self._erasures = erasures

    async def apply(self, envelope: Envelope) -> Outcome:
        """Act on one record; UndeliverableMessage when it does not belong on the topic."""
        event = envelope.event
        if isinstance(event, ErasureDue):
            return await self._file(event)
        return await self._answers.apply(envelope)

    async def _file(self, due: ErasureDue) -> Outcome:
        try:
            account_id = UUID(due.subject.removeprefix(ACCOUNT_PREFIX))
        except ValueError:
            raise UndeliverableMessage(f"{due.subject!r} names no account id") from None
        rule = RegisterRetentionRule(due.tenant, due.retention_years)
        filed = await self._erasures.file_for_retention(rule, account_id)
        if filed is None:
            log.info("erasure due for %s (register retention) not filed: already requested, not in %s, or a staff"
                     " account", due.subject, due.tenant)
            return Outcome.IGNORED
        return Outcome.FILED
