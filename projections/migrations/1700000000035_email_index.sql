-- Up Migration

-- An e-mail address is reserved by its blind index (services/platform/crypto/email-index.ts:
-- 'bi1:' + HMAC-SHA256 under a key derived from the master key), not in clear: the log holds
-- the address sealed under the workspace's (or the user's) data key, and this table, unique by
-- address, must not keep a copy a key's destruction cannot erase. The column is renamed so
-- no reader takes it for an address; rows reserved before hold the address still, and the API
-- replaces each by its index before its first reservation (AccountReservations).
ALTER TABLE account_emails RENAME COLUMN email TO email_index;

-- A SCIM userName (often an address) is reserved the same way: scim_user_names.name holds its
-- blind index from now on; a name reserved in clear before is taken over as an abandoned
-- reservation is (NameReservations: its User is known to the process by id).

-- Down Migration
ALTER TABLE account_emails RENAME COLUMN email_index TO email;
