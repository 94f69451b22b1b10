-- Name search by the start of any word of a name (docs/decisions.md, "Name search"). Each person
-- has one row per word of the name: the name's key from that word to the end (core::text::
-- name_word_keys), written by the application with the person. A search for "nur" reads the
-- keys from "nur" up to the first key past it, already in the order the page shows, and stops
-- after one page: no matter how common the name, it never collects and sorts every match.
-- Keep in step with the other tree.
CREATE TABLE person_name_words (
    person_id    UUID NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    pos          SMALLINT NOT NULL,
    village_code TEXT NOT NULL,
    -- Byte order, so a prefix is a range whatever the database's collation is.
    word_key     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (person_id, pos)
);
-- One index per scope the search serves in order: the nation (and provinces, filtered on the
-- index), a kabupaten (and its kecamatan, filtered on the index), a village.
CREATE INDEX person_name_words_nation ON person_name_words (word_key, village_code, person_id);
CREATE INDEX person_name_words_kabupaten ON person_name_words (substr(village_code, 1, 5), word_key, village_code, person_id);
CREATE INDEX person_name_words_village ON person_name_words (village_code, word_key, person_id);

-- The substring index this replaces.
DROP INDEX persons_name_trgm;
