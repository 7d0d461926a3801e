-- Run once by the postgres:16 image on an empty data volume (docker-compose.yml mounts this file
-- into /docker-entrypoint-initdb.d/), as POSTGRES_USER (mittr) connected to POSTGRES_DB (mittr).
-- The schema registry (Apicurio, SQL storage) keeps its schemas in this database and creates its
-- own tables on first start. scripts/stack does the same for the Docker-less stack.
CREATE DATABASE mittr_registry OWNER mittr;
