-- A NIK is its kecamatan, the birth date (day + 40 for women) and a four-digit serial. The region
-- and the birth date are on every record in clear, so the clear last four digits (nik_last4) were
-- all that was missing to rebuild the whole number without the audited reveal. The masked form is
-- now the six region digits and bullets, from nik_prefix; the serial is only in nik_enc.
--
-- The KK number is shown and stored the same way (kk_prefix for kk_last4): its serial is as much
-- a part of the number as the NIK's, and no clear column needs it.
--
-- The prefix of rows stored before this migration can only be read from nik_enc / kk_enc, which
-- need the key, so it is filled in by the application (prefixes::fill, run when the command line
-- opens the database with its key); until then such a row shows bullets only. Nothing indexes
-- nik_last4 or kk_last4. Keep in step with the other tree.

ALTER TABLE persons ADD COLUMN nik_prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE persons DROP COLUMN nik_last4;
ALTER TABLE households ADD COLUMN kk_prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE households DROP COLUMN kk_last4;
