"""PostgreSQL tables (asyncpg) and password hashing (argon2)."""
