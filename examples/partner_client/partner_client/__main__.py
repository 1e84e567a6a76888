"""`python -m partner_client --bootstrap-servers HOST:PORT [...]`: follow the credentials topic."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from partner_client.contracts import DEFAULT_CONTRACTS_DIR, Contracts
from partner_client.did_documents import DidDocuments
from partner_client.feed import PartnerFeed, follow, open_consumer


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="partner_client", description=__doc__)
    parser.add_argument("--bootstrap-servers", required=True, help="Kafka bootstrap servers, host:port[,...]")
    parser.add_argument("--group-id", help="consumer group: resume from its committed offsets (default: replay "
                        "the whole topic from the beginning, committing nothing)")
    parser.add_argument("--gateway", help="platform gateway URL to fetch issuers' DID documents from "
                        "(default: the did:web location itself)")
    parser.add_argument("--did-document", action="append", type=Path, default=[],
                        help="a DID document file to trust instead of fetching it (repeatable)")
    parser.add_argument("--contracts", type=Path, default=DEFAULT_CONTRACTS_DIR,
                        help="directory holding schemas/ and asyncapi.json")
    parser.add_argument("--idle-timeout", type=float, help="exit after this many seconds without a record")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    feed = PartnerFeed(Contracts(args.contracts), DidDocuments(files=args.did_document, gateway_url=args.gateway))
    consumer = open_consumer(args.bootstrap_servers, args.group_id)
    try:
        for line in follow(consumer, feed, commit=bool(args.group_id), idle_timeout=args.idle_timeout):
            print(line, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    summary = " ".join(f"{outcome.lower()}={count}" for outcome, count in sorted(feed.counts.items()))
    print(f"summary: {summary or 'no events'}; DID documents fetched: {feed.dids.fetches}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
