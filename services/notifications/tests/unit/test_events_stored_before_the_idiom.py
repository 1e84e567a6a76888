"""Events stored while an account's, a contact's and an email's later events were applied by `@event` mutator
methods still load now that each event class applies itself (docs/service-skeleton.md, "Stored events: one idiom").

The states below are what that code stored, recorded from it with the texts its sealed tokens held. Replayed, they
give the state that code gave, and the code now stores the same fields under the same topics."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from notifications.application import NotificationsApplication
from notifications.domain import Account, Addressee, Cause, Contact, Email, EmailContent, EmailStatus, Recipient

ACCOUNT_ID = UUID(int=1)
APPLICATION_ID = UUID(int=2)
SENT_ID = UUID(int=3)
FAILED_ID = UUID(int=4)
ACCOUNT = "notifications.domain.account:Account"
CONTACT = "notifications.domain.contact:Contact"
EMAIL = "notifications.domain.email:Email"
ANA = '{"address": "ana@example.org", "name": "Ana"}'
WORDING = '{"subject": "Hi", "text_body": "T", "html_body": "H"}'
TOKENS = {  # the keys the records were sealed with, and what each token held
    "pd1.YWNjb3VudDp4.wAF1zYukiSO-K-AauhgxOt5WpgjSOcoTwlLB75EdEl0": ANA,
    "pd1.YWNjb3VudDp4.AEYpmyrD_2Nnae96GsDl4pcFNdwV5F-u2KJE12SBuaI": '{"address": "ana.n@example.org", "name": "Ana N"}',
    "pd1.YWNjb3VudDp4.NG9yD0a1IL87AxMiOXfu5xGw6kMkw9nPpX09Od-Cnms": ANA,
    "pd1.YWNjb3VudDp4.m8MTbRdi5cYq5AI1AWYqoGsh3G2p-Wxqn9I2NzEjvCE": ANA,
    "pd1.ZW1haWw6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAz.KigICn09vhjhC2CJ2pAQGjgXvy_r_83x0gOF6JVJr4Q": WORDING,
    "pd1.ZW1haWw6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDA0.d0bwmdjRGguFDDQQ7FylDib1a3JwI2bzovp-YyhBdsY": WORDING,
}


def at(iso: str) -> dict[str, str]:
    return {"_type_": "datetime_iso", "_data_": iso}


def addressee(token: str) -> dict[str, Any]:
    return {"_type_": "addressee_v1", "_data_": {"data_subject": "account:x", "sealed": token}}


def queued(stamp: str, email_id: UUID, token: str, wording: str, cause_id: str) -> dict[str, Any]:
    return {"timestamp": at(stamp), "originator_topic": EMAIL, "tenant": "itmhca", "kind": "k",
            "addressee": addressee(token),
            "wording": {"_type_": "wording_v1", "_data_": {"data_subject": f"email:{email_id}", "sealed": wording}},
            "sender_name": "S", "reply_to": "r@example.org", "cause_id": cause_id, "cause_type": "t",
            "class_version": 3}


RECORDED: dict[UUID, list[tuple[str, dict[str, Any]]]] = {
    Account.id_for(ACCOUNT_ID): [
        (f"{ACCOUNT}.Learnt", {"timestamp": at("2026-12-07T23:58:38.747198+00:00"), "originator_topic": ACCOUNT,
                               "tenant": "itmhca", "language": "en", "as_of": at("2025-01-01T00:00:00+00:00")}),
        (f"{ACCOUNT}.LanguageChanged", {"timestamp": at("2026-12-07T23:58:38.747386+00:00"), "language": "es",
                                        "as_of": at("2025-02-01T00:00:00+00:00")}),
    ],
    Contact.id_for("application", APPLICATION_ID): [
        (f"{CONTACT}.Learnt", {"timestamp": at("2026-12-07T23:58:38.747942+00:00"), "originator_topic": CONTACT,
                               "tenant": "itmhca",
                               "person": addressee("pd1.YWNjb3VudDp4.wAF1zYukiSO-K-AauhgxOt5WpgjSOcoTwlLB75EdEl0"),
                               "language": None, "account_id": None, "class_version": 3}),
        (f"{CONTACT}.Changed", {"timestamp": at("2026-12-07T23:58:38.748193+00:00"),
                                "person": addressee("pd1.YWNjb3VudDp4.AEYpmyrD_2Nnae96GsDl4pcFNdwV5F-u2KJE12SBuaI"),
                                "language": "es", "account_id": {"_type_": "uuid_hex", "_data_": f"{1:032x}"},
                                "class_version": 3}),
    ],
    SENT_ID: [
        (f"{EMAIL}.Queued", queued(
            "2026-12-07T23:58:38.748615+00:00", SENT_ID,
            "pd1.YWNjb3VudDp4.NG9yD0a1IL87AxMiOXfu5xGw6kMkw9nPpX09Od-Cnms",
            "pd1.ZW1haWw6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAz.KigICn09vhjhC2CJ2pAQGjgXvy_r_83x0gOF6JVJr4Q",
            "c")),
        (f"{EMAIL}.Failed", {"timestamp": at("2026-12-07T23:58:38.748721+00:00"), "reason": "451 try later",
                             "permanent": False}),
        (f"{EMAIL}.Failed", {"timestamp": at("2026-12-07T23:58:38.748753+00:00"), "reason": "421 busy",
                             "permanent": False}),
        (f"{EMAIL}.Sent", {"timestamp": at("2026-12-07T23:58:38.748788+00:00"),
                           "at": at("2025-03-01T00:00:00+00:00"), "message_id": "<m@x>"}),
    ],
    FAILED_ID: [
        (f"{EMAIL}.Queued", queued(
            "2026-12-07T23:58:38.749026+00:00", FAILED_ID,
            "pd1.YWNjb3VudDp4.m8MTbRdi5cYq5AI1AWYqoGsh3G2p-Wxqn9I2NzEjvCE",
            "pd1.ZW1haWw6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDA0.d0bwmdjRGguFDDQQ7FylDib1a3JwI2bzovp-YyhBdsY",
            "c2")),
        (f"{EMAIL}.Failed", {"timestamp": at("2026-12-07T23:58:38.749053+00:00"), "reason": "550 no such user",
                             "permanent": True}),
    ],
}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_records_stored_by_the_mutator_methods_replay_to_the_state_they_gave(
    memory_app: NotificationsApplication,
) -> None:
    app = memory_app
    app.keys.texts.update(TOKENS)  # type: ignore[attr-defined]  # the in-memory keys of the fixture
    app.recorder.insert_events([
        StoredEvent(originator_id, version, topic, json.dumps(state).encode("utf-8"))
        for originator_id, events in RECORDED.items() for version, (topic, state) in enumerate(events, start=1)
    ])

    account = app.find_account(ACCOUNT_ID, "itmhca")
    assert account is not None and account.version == 2
    assert (account.language, account.as_of) == ("es", utc(2025, 2, 1))
    contact = app.find_contact("application", APPLICATION_ID, "itmhca")
    assert contact is not None and contact.version == 2
    assert (contact.person, contact.language, contact.account_id) == (
        Addressee("account:x", "ana.n@example.org", "Ana N"), "es", ACCOUNT_ID)
    sent = app.get_email(SENT_ID)
    assert sent.version == 4
    assert (sent.status, sent.sent_at, sent.message_id, sent.failure) == (
        EmailStatus.SENT, utc(2025, 3, 1), "<m@x>", None)
    assert (sent.to, sent.content) == (Recipient("ana@example.org", "Ana"), EmailContent("Hi", "T", "H"))
    failed = app.get_email(FAILED_ID)
    assert failed.version == 2
    assert (failed.status, failed.sent_at, failed.message_id, failed.failure) == (
        EmailStatus.FAILED, None, None, "550 no such user")


def test_the_same_changes_are_stored_now_with_the_same_topics_and_fields(
    memory_app: NotificationsApplication,
) -> None:
    app = memory_app
    account = Account.learn(account_id=ACCOUNT_ID, tenant="itmhca", language="en", as_of=utc(2025, 1, 1))
    assert account.update("es", utc(2025, 2, 1))
    contact = Contact.learn(subject="application", subject_id=APPLICATION_ID, tenant="itmhca",
                            person=Addressee("account:x", "ana@example.org", "Ana"), language=None)
    assert contact.update(Addressee("account:x", "ana.n@example.org", "Ana N"), "es", ACCOUNT_ID)
    emails = []
    for email_id, cause_id in ((SENT_ID, "c"), (FAILED_ID, "c2")):
        emails.append(Email.queue(email_id=email_id, tenant="itmhca", kind="k",
                                  recipient=Recipient("ana@example.org", "Ana"), data_subject="account:x",
                                  sender_name="S", reply_to="r@example.org", content=EmailContent("Hi", "T", "H"),
                                  cause=Cause(cause_id, "t")))
    sent, failed = emails
    sent.mark_failed("451 try later", permanent=False)
    sent.mark_failed("451 try later", permanent=False)  # the same delay again: nothing recorded
    sent.mark_failed("421 busy", permanent=False)
    sent.mark_sent(utc(2025, 3, 1), "<m@x>")
    failed.mark_failed("550 no such user", permanent=True)
    app.save(account, contact, sent, failed)

    now_stored: dict[UUID, list[tuple[str, list[str]]]] = {}
    for n in app.process_recorder.select_notifications(start=1, limit=100):
        now_stored.setdefault(n.originator_id, []).append((n.topic, sorted(json.loads(n.state))))
    assert now_stored == {originator_id: [(topic, sorted(state)) for topic, state in events]
                          for originator_id, events in RECORDED.items()}
