"""The `registry_listings` table (asyncpg, in the service's schema) and the registry search.

Listings are this module's own rows. Status, validity and the verification URL are read from the
`credentials` read model at query time, so a suspension or an expiry shows at once without any copy.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from credentials.public.registry import (
    Listing,
    RegistryEntry,
    RegistryPage,
    RegistryQuery,
    name_patterns,
    search_key,
)

DDL = """
CREATE TABLE IF NOT EXISTS registry_listings (
    credential_id uuid PRIMARY KEY,
    tenant text NOT NULL,
    holder_account_id uuid NOT NULL,
    listed boolean NOT NULL,
    holder_name text NOT NULL,
    name_key text NOT NULL,
    category text NOT NULL,
    category_name text NOT NULL,
    designation text,
    city text,
    city_key text,
    county text,
    county_key text,
    updated_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS registry_listings_listed ON registry_listings (tenant, name_key) WHERE listed;
"""

COLUMNS = ("credential_id, tenant, holder_account_id, listed, holder_name, category, category_name, designation, "
           "city, county, updated_at")

UPSERT = f"""
INSERT INTO registry_listings (credential_id, tenant, holder_account_id, listed, holder_name, name_key, category,
                               category_name, designation, city, city_key, county, county_key, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (credential_id) DO UPDATE SET
    listed = EXCLUDED.listed, holder_name = EXCLUDED.holder_name, name_key = EXCLUDED.name_key,
    category = EXCLUDED.category, category_name = EXCLUDED.category_name, designation = EXCLUDED.designation,
    city = EXCLUDED.city, city_key = EXCLUDED.city_key, county = EXCLUDED.county, county_key = EXCLUDED.county_key,
    updated_at = EXCLUDED.updated_at
RETURNING {COLUMNS}
"""

SELECT_ONE = f"SELECT {COLUMNS} FROM registry_listings WHERE credential_id = $1"

MATCHING = """
WITH entries AS (
    SELECT l.credential_id, l.holder_name, l.name_key, l.category, l.category_name, l.designation,
           l.city, l.city_key, l.county, l.county_key, c.valid_until, c.verification_url,
           CASE WHEN c.status <> 'active' THEN c.status
                WHEN c.valid_from > $2 THEN 'not yet valid'
                WHEN c.valid_until < $2 THEN 'expired'
                ELSE 'active' END AS status
    FROM registry_listings l JOIN credentials c ON c.id = l.credential_id AND c.tenant = l.tenant
    WHERE l.tenant = $1 AND l.listed
)
SELECT {columns} FROM entries
WHERE name_key LIKE ALL ($3::text[])
  AND ($4::text IS NULL OR category = $4)
  AND ($5::text IS NULL OR status = $5)
  AND ($6::text IS NULL OR city_key = $6)
  AND ($7::text IS NULL OR county_key = $7)
"""
SEARCH = MATCHING.format(columns="holder_name, category, category_name, designation, status, city, county, "
                                 "valid_until, verification_url") + \
    "ORDER BY name_key, credential_id LIMIT $8 OFFSET $9"
COUNT = MATCHING.format(columns="count(*)")



class RegistryStore:
    """Registry listings and search over one connection pool (the table is made at start-up: `create_table`)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def put(self, listing: Listing) -> Listing:
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(
                UPSERT, listing.credential_id, listing.tenant, listing.holder_account_id, listing.listed,
                listing.holder_name, search_key(listing.holder_name), listing.category, listing.category_name,
                listing.designation, listing.city, _key(listing.city), listing.county, _key(listing.county),
                listing.updated_at,
            )
        return _listing(row)

    async def get(self, credential_id: UUID) -> Listing | None:
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(SELECT_ONE, credential_id)
        return None if row is None else _listing(row)

    async def search(self, query: RegistryQuery) -> RegistryPage:
        filters = (query.tenant, query.today, name_patterns(query.q), query.category,
                   query.status.value if query.status else None, _key(query.city), _key(query.county))
        async with self.pool.acquire() as conn:
            total = await conn.fetchval(COUNT, *filters)
            rows = await conn.fetch(SEARCH, *filters, query.limit, query.offset)
        entries = tuple(
            RegistryEntry(
                name=row["holder_name"], category=row["category"], category_name=row["category_name"],
                designation=row["designation"], status=row["status"], city=row["city"], county=row["county"],
                valid_until=row["valid_until"], verification_url=row["verification_url"],
            )
            for row in rows
        )
        return RegistryPage(query, int(total or 0), entries)


def _key(value: str | None) -> str | None:
    return (search_key(value) or None) if value else None


def _listing(row: Any) -> Listing:
    return Listing(**{name: row[name] for name in COLUMNS.split(", ")})


async def create_table(pool: asyncpg.Pool) -> None:
    """A servicekit `on_pool` hook: the table is made at start-up, while servicekit holds the schema's DDL lock
    (postgres.ddl_lock_key), so replicas starting together never race on it."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(DDL)
