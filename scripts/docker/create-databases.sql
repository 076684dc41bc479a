-- The two databases of the seed design, created on first start of the compose PostgreSQL.
CREATE DATABASE twin;
CREATE DATABASE analytics;
