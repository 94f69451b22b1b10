//! The word index of people's names (`person_name_words`, migration 0004): the rows that let a
//! name search read its matches in order from an index, at any scope (docs/decisions.md, "Name
//! search"). Written with the person by every path that writes people; [`index_missing`] fills
//! in people written without it (an upgrade from before the index, an old backup).

use desmigratif_core::id::Id;
use desmigratif_core::text::name_word_keys;

use crate::{Db, Result, Tx, on_tx};

/// Rows per INSERT: four values a row, far under both drivers' parameter limits.
const CHUNK: usize = 2_000;

/// One person whose name is to be indexed.
pub struct Named<'a> {
    pub id: Id,
    pub village_code: &'a str,
    pub name: &'a str,
}

/// Writes the word keys of these people, replacing the keys they had.
pub async fn index(tx: &mut Tx, people: &[Named<'_>]) -> Result<()> {
    let ids: Vec<Id> = people.iter().map(|p| p.id).collect();
    for chunk in ids.chunks(CHUNK) {
        let list = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("DELETE FROM person_name_words WHERE person_id IN ({list})");
        on_tx!(tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(c).await.map(|_| ())
        })?;
    }
    let rows: Vec<(Id, i16, &str, String)> = people
        .iter()
        .flat_map(|p| {
            name_word_keys(p.name)
                .into_iter()
                .enumerate()
                .map(move |(pos, key)| (p.id, pos as i16, p.village_code, key))
        })
        .collect();
    for chunk in rows.chunks(CHUNK) {
        on_tx!(tx, c => {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO person_name_words (person_id, pos, village_code, word_key) ",
            );
            q.push_values(chunk, |mut b, (id, pos, village, key)| {
                b.push_bind(*id).push_bind(*pos).push_bind(*village).push_bind(key.as_str());
            });
            q.build().execute(c).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Indexes the names of people who have no word rows, in batches; returns how many.
pub async fn index_missing(db: &Db) -> Result<u64> {
    let mut done = 0;
    // Walks the people once in id order (UUIDv7 ids sort as text and as UUID alike).
    let mut after = Id(uuid::Uuid::nil());
    loop {
        let batch: Vec<(Id, String, String)> = crate::on_pool!(db, p => sqlx::query_as(
            "SELECT p.id, p.village_code, p.name FROM persons p
             WHERE p.id > $1 AND NOT EXISTS (SELECT 1 FROM person_name_words w WHERE w.person_id = p.id)
             ORDER BY p.id LIMIT 5000",
        )
        .bind(after)
        .fetch_all(p)
        .await)?;
        let Some((last, _, _)) = batch.last() else {
            return Ok(done);
        };
        after = *last;
        let people: Vec<Named> = batch
            .iter()
            .map(|(id, village_code, name)| Named {
                id: *id,
                village_code,
                name,
            })
            .collect();
        let mut tx = db.begin().await?;
        index(&mut tx, &people).await?;
        tx.commit().await?;
        done += people.len() as u64;
    }
}
